// export-hls4ml -> import-hls4ml gives back the same raws and checksum, in-process and through
// the real binary; the files look like hls4ml's own.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "common/nn/hls4ml/hls4ml_export.h"
#include "common/nn/hls4ml/hls4ml_import.h"
#include "common/nn/inference/fixed_predict.h"
#include "common/transport/model_codec.h"
#include "tests/services/model/model_tool_support.h"

namespace l1t::model_tool {
namespace {

using namespace testing;

void expect_same_values(const nn::FixedModel& a, const nn::FixedModel& b) {
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t k = 0; k < a.layers.size(); ++k) {
    EXPECT_EQ(a.layers[k].n_in, b.layers[k].n_in);
    EXPECT_EQ(a.layers[k].n_out, b.layers[k].n_out);
    EXPECT_EQ(a.layers[k].weights, b.layers[k].weights) << "layer " << k;
    EXPECT_EQ(a.layers[k].biases, b.layers[k].biases) << "layer " << k;
  }
}

nn::FixedModel import_dir(const std::string& dir, const nn::Hls4mlImportOptions& options) {
  nn::FixedModel m;
  nn::Hls4mlImportReport report;
  std::string error;
  EXPECT_TRUE(nn::import_hls4ml(dir, options, &m, &report, &error)) << error;
  EXPECT_EQ(report.rounded, 0);
  EXPECT_EQ(report.out_of_range, 0);
  return m;
}

TEST(Hls4mlRoundTripTest, NamesFollowHls4mlForAKerasSequentialModel) {
  const auto names = nn::hls4ml_names(random_model(1));
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0].keras, "dense");
  EXPECT_EQ(names[1].keras, "dense_1");
  EXPECT_EQ(names[2].keras, "dense_2");
  EXPECT_EQ(names[0].weight_var, "w2");
  EXPECT_EQ(names[0].bias_var, "b2");
  EXPECT_EQ(names[1].weight_var, "w4");
  EXPECT_EQ(names[2].bias_var, "b6");
  EXPECT_EQ(names[0].activation, "dense_relu");
  EXPECT_EQ(names[2].activation, "dense_2_sigmoid");
  EXPECT_EQ(names[1].weight_type, "dense_1_weight_t");
  EXPECT_EQ(names[0].result_type, "layer2_t");
  EXPECT_EQ(names[0].activation_type, "layer3_t");
  EXPECT_EQ(names[2].activation_type, "result_t");
  EXPECT_EQ(names[2].table_type, "dense_2_sigmoid_table_t");
}

TEST(Hls4mlRoundTripTest, FilesHaveHls4mlsLayout) {
  nn::FixedModel m;
  m.input = {16, 6};
  nn::FixedDense l;
  l.n_in = 2;
  l.n_out = 1;
  l.weight = l.bias = l.accum = l.result = l.activation_result = {16, 6};
  l.activation = nn::Activation::kSigmoid;
  l.weights = {612, 0};
  l.biases = {-820};
  m.layers.push_back(l);
  const auto files = nn::hls4ml_files(m);
  ASSERT_GE(files.size(), 4u);
  EXPECT_EQ(files[0].path, "weights/w2.txt");
  EXPECT_EQ(files[0].text, "0.5976562500, 0.0000000000");  // one line, no newline
  EXPECT_EQ(files[1].path, "weights/w2.h");
  EXPECT_EQ(files[1].text,
            "//Numpy array shape [2, 1]\n"
            "//Min 0.000000000000\n"
            "//Max 0.597656250000\n"
            "//Number of zeros 1\n"
            "\n"
            "#ifndef W2_H_\n"
            "#define W2_H_\n"
            "\n"
            "#ifndef __SYNTHESIS__\n"
            "dense_weight_t w2[2];\n"
            "#else\n"
            "dense_weight_t w2[2] = {0.5976562500, 0.0000000000};\n"
            "\n"
            "#endif\n"
            "\n"
            "#endif\n");
  EXPECT_EQ(files[2].path, "weights/b2.txt");
  EXPECT_EQ(files[2].text, "-0.8007812500");
  EXPECT_NE(files[3].text.find("dense_bias_t b2[1] = {-0.8007812500};"), std::string::npos);
}

TEST(Hls4mlRoundTripTest, LibraryRoundTripKeepsRawsAndChecksum) {
  const TempDir tmp("lib");
  const std::string& dir = tmp.path;
  for (uint64_t seed : {1, 2, 3}) {
    const nn::FixedModel m = random_model(seed);
    std::string error;
    ASSERT_TRUE(nn::write_hls4ml_files(dir, nn::hls4ml_files(m), &error)) << error;
    nn::Hls4mlImportOptions options;
    options.precision = {16, 6};
    const nn::FixedModel back = import_dir(dir, options);
    expect_same_values(m, back);
    EXPECT_EQ(transport::model_checksum(back), transport::model_checksum(m));
  }
}

// Unusual types, and every value at a range edge, survive too when the precisions come along.
TEST(Hls4mlRoundTripTest, OddPrecisionsAndEdgeValuesRoundTrip) {
  nn::FixedModel m = random_model(4);
  const fixed::Spec types[] = {
      {10, 3, true, fixed::Quant::kRnd, fixed::Overflow::kSat}, {24, 10}, {12, -2}};
  std::mt19937_64 rng(9);
  for (size_t k = 0; k < m.layers.size(); ++k) {
    auto& l = m.layers[k];
    l.weight = types[k];
    l.bias = fixed::Spec{20, 8};
    l.accum = fixed::Spec{40, 16};
    std::uniform_int_distribution<int64_t> w(l.weight.min_raw(), l.weight.max_raw());
    for (auto& v : l.weights) v = w(rng);
    l.weights[0] = l.weight.min_raw();
    l.weights[1] = l.weight.max_raw();
    std::uniform_int_distribution<int64_t> b(l.bias.min_raw(), l.bias.max_raw());
    for (auto& v : l.biases) v = b(rng);
    l.biases[0] = l.bias.min_raw();
  }
  std::string error;
  ASSERT_TRUE(nn::check_fixed_model(m, &error)) << error;
  const TempDir tmp("odd");
  const std::string& dir = tmp.path;
  ASSERT_TRUE(nn::write_hls4ml_files(dir, nn::hls4ml_files(m), &error)) << error;
  nn::Hls4mlImportOptions options;
  options.like = &m;
  const nn::FixedModel back = import_dir(dir, options);
  expect_same_values(m, back);
  EXPECT_EQ(transport::model_checksum(back), transport::model_checksum(m));
}

TEST(Hls4mlRoundTripTest, BinaryRoundTripKeepsRawsAndChecksum) {
  const TempDir tmp("bin");
  const std::string& dir = tmp.path;
  const nn::FixedModel m = random_model(11);
  write_model(m, dir + "/model.pb");

  const RunResult exported = run_tool({"export-hls4ml", dir + "/model.pb", dir + "/prj"}, dir);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("same raws"), std::string::npos) << exported.out;
  for (const char* f : {"w2.txt", "w2.h", "b2.txt", "b2.h", "w4.txt", "w4.h", "b4.txt", "b4.h",
                        "w6.txt", "w6.h", "b6.txt", "b6.h"}) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/prj/weights/" + f)) << f;
  }
  const auto description = nlohmann::json::parse(read_text(dir + "/prj/l1t_model.json"));
  EXPECT_EQ(description["architecture"]["sizes"], nlohmann::json({5, 25, 30, 1}));
  EXPECT_EQ(description["layers"][1]["hls4ml"]["weights"], "w4");
  EXPECT_EQ(description["hls4ml_config"]["LayerName"]["dense"]["Precision"]["weight"],
            "ap_fixed<16,6>");

  const RunResult imported =
      run_tool({"import-hls4ml", dir + "/prj", "--precision", "ap_fixed<16,6>", "--out",
                dir + "/back.pb", "--version", "7"},
               dir);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  v1::ModelUpdate original, back;
  std::string error;
  ASSERT_TRUE(transport::read_model_file(dir + "/model.pb", &original, &error)) << error;
  ASSERT_TRUE(transport::read_model_file(dir + "/back.pb", &back, &error)) << error;
  EXPECT_EQ(back.checksum(), original.checksum());
  EXPECT_EQ(back.version(), 7u);
  nn::FixedModel decoded;
  ASSERT_TRUE(transport::decode_model(back, &decoded, &error)) << error;
  expect_same_values(m, decoded);

  // inspect agrees, and says the checksum verifies.
  const RunResult inspected = run_tool({"inspect", dir + "/back.pb", "--json"}, dir);
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  const auto j = nlohmann::json::parse(inspected.out);
  EXPECT_TRUE(j["checksum"]["verifies"].get<bool>());
  EXPECT_EQ(j["layers"][0]["weights"]["count"], 125);
  EXPECT_EQ(j["algorithm"], "hls4ml-import");
}

// --like takes the precisions of the model in service, so an import with other types than the
// model-wide one comes back with the same footprint and checksum.
TEST(Hls4mlRoundTripTest, BinaryImportLikeTheModelInService) {
  const TempDir tmp("like");
  const std::string& dir = tmp.path;
  nn::FixedModel m = random_model(12);
  for (auto& l : m.layers) l.accum = fixed::Spec{24, 12};
  write_model(m, dir + "/model.pb");
  ASSERT_EQ(run_tool({"export-hls4ml", dir + "/model.pb", dir + "/prj"}, dir).exit_code, 0);
  const RunResult plain = run_tool(
      {"import-hls4ml", dir + "/prj", "--precision", "ap_fixed<16,6>", "--out", dir + "/p.pb"},
      dir);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const RunResult like = run_tool(
      {"import-hls4ml", dir + "/prj", "--like", dir + "/model.pb", "--out", dir + "/l.pb"}, dir);
  ASSERT_EQ(like.exit_code, 0) << like.err;
  v1::ModelUpdate original, p, l;
  std::string error;
  ASSERT_TRUE(transport::read_model_file(dir + "/model.pb", &original, &error)) << error;
  ASSERT_TRUE(transport::read_model_file(dir + "/p.pb", &p, &error)) << error;
  ASSERT_TRUE(transport::read_model_file(dir + "/l.pb", &l, &error)) << error;
  EXPECT_NE(p.checksum(), original.checksum());  // accumulator differs
  EXPECT_EQ(l.checksum(), original.checksum());
  EXPECT_EQ(l.layers(0).accum_precision(), "ap_fixed<24,12>");

  const RunResult both = run_tool(
      {"import-hls4ml", dir + "/prj", "--like", dir + "/model.pb", "--precision", "ap_fixed<16,6>"},
      dir);
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("--like takes every precision"), std::string::npos) << both.err;
}

TEST(Hls4mlRoundTripTest, ImportsARealHls4mlProjectLayoutAndFloatText) {
  // hls4ml writes float weights of a Keras model with '{:.10f}' under firmware/weights.
  const TempDir tmp("float");
  const std::string& dir = tmp.path;
  const nn::FixedModel m = random_model(5);
  for (const auto& f : nn::hls4ml_files(m)) write_text(dir + "/firmware/" + f.path, f.text);
  write_text(dir + "/firmware/weights/b6.txt", "0.12345678901");  // off the ap_fixed<16,6> grid
  nn::FixedModel back;
  nn::Hls4mlImportReport report;
  std::string error;
  nn::Hls4mlImportOptions options;
  ASSERT_TRUE(nn::import_hls4ml(dir, options, &back, &report, &error)) << error;
  EXPECT_EQ(report.weights_dir, dir + "/firmware/weights");
  EXPECT_EQ(report.rounded, 1);
  EXPECT_EQ(back.layers[2].biases[0], 126);  // floor(0.1234... * 1024)
  EXPECT_EQ(report.sizes, (std::vector<int>{5, 25, 30, 1}));
}

TEST(Hls4mlRoundTripTest, OutOfRangeValuesWrapLikeTheCSimulationUnlessSaturated) {
  const TempDir tmp("range");
  const std::string& dir = tmp.path;
  const nn::FixedModel m = random_model(6);
  std::string error;
  ASSERT_TRUE(nn::write_hls4ml_files(dir, nn::hls4ml_files(m), &error)) << error;
  write_text(dir + "/weights/b6.txt", "40.0");  // ap_fixed<16,6> holds [-32, 32)
  nn::FixedModel back;
  nn::Hls4mlImportReport report;
  nn::Hls4mlImportOptions options;
  ASSERT_TRUE(nn::import_hls4ml(dir, options, &back, &report, &error)) << error;
  EXPECT_EQ(report.out_of_range, 1);
  EXPECT_EQ(back.layers[2].biases[0], (40 - 64) * 1024);  // AP_WRAP: 40 becomes -24
  options.saturate = true;
  ASSERT_TRUE(nn::import_hls4ml(dir, options, &back, &report, &error)) << error;
  EXPECT_EQ(back.layers[2].biases[0], 32767);
}

}  // namespace
}  // namespace l1t::model_tool
