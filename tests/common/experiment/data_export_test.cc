#include "common/experiment/data_export.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/experiment/experiences.h"
#include "common/experiment/seeds.h"
#include "common/physics/npy.h"

namespace l1t::experiment {
namespace {

physics::NpyMatrix load(const std::string& path) {
  physics::NpyMatrix m;
  std::string error;
  EXPECT_TRUE(physics::read_npy(path, &m, &error)) << error;
  return m;
}

TEST(DataExportTest, WritesTheSuitesDataAndStartingWeights) {
  std::string tmpl = "/tmp/l1t-test-export-XXXXXX";
  const std::string dir = std::string(mkdtemp(tmpl.data())) + "/data";
  ExportOptions o;
  o.dir = dir;
  o.train_events = 4;
  o.test_events = 2;
  o.seed = 9;
  std::vector<std::string> files;
  std::string error;
  ASSERT_TRUE(export_study_data(o, &files, &error)) << error;
  EXPECT_EQ(files.size(), 4u + 6u + 1u);

  // The rows are the convergence/speed suites' own.
  const auto train = make_undegraded_set(o.generator, 4, 9, "undegraded-train");
  const auto tx = load(dir + "/train_x.npy"), ty = load(dir + "/train_y.npy");
  ASSERT_EQ(tx.rows, train.rows());
  EXPECT_EQ(tx.cols, 5u);
  EXPECT_EQ(tx.data, train.x);
  EXPECT_EQ(ty.cols, 1u);
  EXPECT_EQ(ty.data, train.y);
  const auto test = make_undegraded_set(o.generator, 2, 9, "undegraded-test");
  EXPECT_EQ(load(dir + "/test_x.npy").data, test.x);

  // Weights in Keras layout: w(i, j) at row i, column j.
  const nn::FloatMlp start(o.sizes, derive_seed(9, "initial-weights"));
  for (int l = 0; l < start.num_layers(); ++l) {
    const auto w = load(dir + "/layer" + std::to_string(l) + "_w.npy");
    const auto& layer = start.layer(l);
    ASSERT_EQ(w.rows, static_cast<uint64_t>(layer.n_in()));
    ASSERT_EQ(w.cols, static_cast<uint64_t>(layer.n_out()));
    for (int i = 0; i < layer.n_in(); ++i) {
      for (int j = 0; j < layer.n_out(); ++j) {
        ASSERT_EQ(w.data[i * layer.n_out() + j], layer.w(i, j)) << l << " " << i << " " << j;
      }
    }
    EXPECT_EQ(load(dir + "/layer" + std::to_string(l) + "_b.npy").cols,
              static_cast<uint64_t>(layer.n_out()));
  }
  std::ifstream f(dir + "/manifest.json");
  const auto m = nlohmann::json::parse(f);
  EXPECT_EQ(m["sizes"], (std::vector<int>{5, 25, 30, 1}));
  EXPECT_EQ(m["train_rows"], train.rows());
  EXPECT_FLOAT_EQ(m["adam"]["lr"].get<float>(), 0.001f);
  EXPECT_FLOAT_EQ(m["sgd"]["momentum"].get<float>(), 0.9f);
  std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
}

TEST(DataExportTest, UnwritableDirectoryIsNamed) {
  ExportOptions o;
  o.dir = "/proc/l1t-no-such-dir";
  o.train_events = 1;
  o.test_events = 1;
  std::vector<std::string> files;
  std::string error;
  EXPECT_FALSE(export_study_data(o, &files, &error));
  EXPECT_NE(error.find("/proc/l1t-no-such-dir"), std::string::npos) << error;
}

}  // namespace
}  // namespace l1t::experiment
