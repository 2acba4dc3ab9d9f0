// Bad input to l1t-model gives a clear message on stderr and a non-zero exit, never a crash or
// a silently wrong model.
#include <gtest/gtest.h>

#include "common/nn/hls4ml/hls4ml_export.h"
#include "common/nn/hls4ml/hls4ml_import.h"
#include "tests/services/model/model_tool_support.h"

namespace l1t::model_tool {
namespace {

using namespace testing;

class ModelToolErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(nn::write_hls4ml_files(dir_ + "/prj", nn::hls4ml_files(random_model(3)), &error))
        << error;
    write_model(random_model(3), dir_ + "/model.pb");
  }
  // Runs the tool, expects failure, and returns what it said.
  std::string fails(const std::vector<std::string>& args) {
    const RunResult r = run_tool(args, dir_);
    EXPECT_NE(r.exit_code, 0) << r.out;
    EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
    return r.err;
  }
  std::string import_error() {
    return fails({"import-hls4ml", dir_ + "/prj", "--precision", "ap_fixed<16,6>", "--out",
                  dir_ + "/out.pb"});
  }
  TempDir tmp_{"errors"};
  const std::string& dir_ = tmp_.path;
};

TEST_F(ModelToolErrorsTest, BadPrecisionSaysWhatIsWrong) {
  EXPECT_NE(fails({"import-hls4ml", dir_ + "/prj", "--precision", "ap_fixd<16,6>"})
                .find("unknown type name 'ap_fixd'"),
            std::string::npos);
  EXPECT_NE(fails({"import-hls4ml", dir_ + "/prj", "--precision", "ap_fixed<16,6,AP_RND,AP_SATT>"})
                .find("unknown overflow mode 'AP_SATT'"),
            std::string::npos);
  EXPECT_NE(
      fails({"import-hls4ml", dir_ + "/prj", "--precision", "ap_fixed<16"}).find("missing '>'"),
      std::string::npos);
  EXPECT_NE(
      fails({"import-hls4ml", dir_ + "/prj", "--precision", "ap_fixed<99,6>"}).find("width 99"),
      std::string::npos);
  EXPECT_NE(fails({"import-hls4ml", dir_ + "/prj", "--precision", "ap_fixed<16,6>", "--accum",
                   "ap_fixed<x,6>"})
                .find("--accum"),
            std::string::npos);
  EXPECT_NE(fails({"import-hls4ml", dir_ + "/prj"}).find("--precision"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/prj/l1t_model.pb"));
}

TEST_F(ModelToolErrorsTest, MissingFilesAreNamed) {
  std::filesystem::remove(dir_ + "/prj/weights/b4.txt");
  EXPECT_NE(import_error().find("no matching b4.txt"), std::string::npos);
  EXPECT_NE(fails({"import-hls4ml", dir_ + "/nowhere", "--precision", "ap_fixed<16,6>"})
                .find("nowhere is not a directory"),
            std::string::npos);
  std::filesystem::create_directories(dir_ + "/empty");
  EXPECT_NE(fails({"import-hls4ml", dir_ + "/empty", "--precision", "ap_fixed<16,6>"})
                .find("no weight files"),
            std::string::npos);
  EXPECT_NE(fails({"inspect", dir_ + "/missing.pb"}).find("cannot open"), std::string::npos);
  EXPECT_NE(fails({"predict", dir_ + "/model.pb", "--input", dir_ + "/missing.csv"})
                .find("cannot open input"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/out.pb"));
}

TEST_F(ModelToolErrorsTest, WrongCountsAreExplained) {
  const std::string b2 = read_text(dir_ + "/prj/weights/b2.txt");
  write_text(dir_ + "/prj/weights/b2.txt", b2.substr(0, b2.rfind(',')));  // 24 of 25 biases
  EXPECT_NE(import_error().find("b2.txt holds 24 values, expected 25"), std::string::npos);
  write_text(dir_ + "/prj/weights/b2.txt", b2);

  const std::string w2 = read_text(dir_ + "/prj/weights/w2.txt");
  write_text(dir_ + "/prj/weights/w2.txt", w2 + ", 0.5");  // 126 weights: not 5 per row
  EXPECT_NE(import_error().find("w2.txt (layer 0) holds 126 values"), std::string::npos);
  write_text(dir_ + "/prj/weights/w2.txt", w2);

  EXPECT_NE(fails({"import-hls4ml", dir_ + "/prj", "--precision", "ap_fixed<16,6>", "--sizes",
                   "5,25,31,1"})
                .find("expected 25 x 31 = 775"),
            std::string::npos);
  EXPECT_NE(
      fails({"import-hls4ml", dir_ + "/prj", "--precision", "ap_fixed<16,6>", "--sizes", "5,25,1"})
          .find("describe 2 layers"),
      std::string::npos);
}

TEST_F(ModelToolErrorsTest, NonNumericValuesAreLocated) {
  write_text(dir_ + "/prj/weights/w4.txt", "0.5, 0.25, zero, 1");
  EXPECT_NE(import_error().find("w4.txt: value 3 'zero' is not a decimal number"),
            std::string::npos);
  write_text(dir_ + "/inputs.csv", "pt,eta,phi,z0,dz\n1,2,3,4,5\n1,2,x,4,5\n");
  EXPECT_NE(fails({"predict", dir_ + "/model.pb", "--input", dir_ + "/inputs.csv"})
                .find("line 3, column 3: 'x' is not a number"),
            std::string::npos);
  write_text(dir_ + "/inputs.csv", "1,2,3\n");
  EXPECT_NE(fails({"predict", dir_ + "/model.pb", "--input", dir_ + "/inputs.csv"})
                .find("line 1 holds 3 values, the model takes 5"),
            std::string::npos);
}

TEST_F(ModelToolErrorsTest, DamagedModelFilesAreRefusedOrFlagged) {
  write_text(dir_ + "/junk.pb", "this is not protobuf \xff\xff\xff");
  EXPECT_NE(fails({"inspect", dir_ + "/junk.pb"}).find("not a ModelUpdate"), std::string::npos);

  v1::ModelUpdate u;
  std::string error;
  ASSERT_TRUE(transport::read_model_file(dir_ + "/model.pb", &u, &error)) << error;
  u.set_checksum(u.checksum() ^ 1);
  ASSERT_TRUE(transport::write_model_file(dir_ + "/tampered.pb", u, &error)) << error;
  // inspect still shows the contents but says, and exits, that the checksum does not verify.
  const RunResult r = run_tool({"inspect", dir_ + "/tampered.pb"}, dir_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("DOES NOT VERIFY"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("5 -> 25 (relu)"), std::string::npos) << r.out;
  EXPECT_NE(fails({"export-hls4ml", dir_ + "/tampered.pb", dir_ + "/exp"}).find("checksum"),
            std::string::npos);
}

TEST(Hls4mlImportTest, LayerSizesParse) {
  std::vector<int> sizes;
  std::string error;
  ASSERT_TRUE(nn::parse_layer_sizes("5,25,30,1", &sizes, &error)) << error;
  EXPECT_EQ(sizes, (std::vector<int>{5, 25, 30, 1}));
  ASSERT_TRUE(nn::parse_layer_sizes("5-25-30-1", &sizes, &error)) << error;
  EXPECT_EQ(sizes.size(), 4u);
  EXPECT_FALSE(nn::parse_layer_sizes("5", &sizes, &error));
  EXPECT_FALSE(nn::parse_layer_sizes("5,0,1", &sizes, &error));
  EXPECT_FALSE(nn::parse_layer_sizes("5,a,1", &sizes, &error));
  EXPECT_NE(error.find("'a'"), std::string::npos) << error;
}

}  // namespace
}  // namespace l1t::model_tool
