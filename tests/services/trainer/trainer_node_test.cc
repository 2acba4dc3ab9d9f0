// TrainerNode in-process (no sockets) against a poisoned stream (issue #12): labelled batches
// with features of 1e30 (finite, so the node's own check lets them through, but they overflow a
// step), NaN features and labels 5 and -3 (refused by the node), then clean data. The learner's
// step guard undoes the steps the poison reached, the trainer goes on publishing candidates
// that pass its gate, its checkpoints stay healthy, and without the guard it refuses to
// checkpoint a poisoned state rather than keep the poison.
#include "services/trainer/trainer_node.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/metrics/metrics.h"
#include "common/physics/features.h"
#include "services/trainer/learner_setup.h"
#include "services/trainer/starting_model.h"

namespace l1t::trainer {
namespace {

std::string temp_dir(const std::string& tag) {
  std::string tmpl = "/tmp/l1t-trainer-node-" + tag + "-XXXXXX";
  return mkdtemp(tmpl.data());
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

config::Scenario scenario(const std::string& checkpoint_dir) {
  config::Scenario cfg;
  std::string error;
  // Small and fast: a short pre-training, a candidate every 3000 tracks judged on the next 1000.
  EXPECT_TRUE(config::load_scenario(
      L1T_SOURCE_DIR "/configs/default.yaml",
      {"trainer.pretrain_events=40", "trainer.pretrain_epochs=2", "trainer.publish_every=3000",
       "trainer.gate_window=1000", "trainer.gate_reference_rows=2000",
       "trainer.checkpoint_dir=" + checkpoint_dir, "trainer.checkpoint_interval_s=0"},
      &cfg, &error))
      << error;
  return cfg;
}

// Clean labelled tracks from undegraded events of a seed of their own, cut into batches.
std::vector<v1::LabelledBatch> clean_batches(const config::Scenario& cfg, size_t rows,
                                             uint64_t seed) {
  config::Scenario other = cfg;
  other.trainer.seed = seed;
  const trigger::TrainingSet data = reference_rows(other, rows);
  std::vector<v1::LabelledBatch> out;
  for (size_t at = 0; at < data.rows(); at += 250) {
    const size_t n = std::min<size_t>(250, data.rows() - at);
    v1::LabelledBatch b;
    b.set_n_features(physics::kNumFeatures);
    for (size_t i = 0; i < n * physics::kNumFeatures; ++i) {
      b.add_features(data.x[at * physics::kNumFeatures + i]);
    }
    for (size_t i = 0; i < n; ++i) b.add_labels(data.y[at + i]);
    out.push_back(std::move(b));
  }
  return out;
}

// A batch of well-framed rows whose features are all +-1e30.
v1::LabelledBatch huge_batch(const v1::LabelledBatch& like) {
  v1::LabelledBatch b = like;
  for (int i = 0; i < b.features_size(); ++i) {
    b.set_features(i, b.features(i) >= 0 ? 1e30f : -1e30f);
  }
  return b;
}

class TrainerNodeTest : public ::testing::Test {
 protected:
  double counter(const std::string& name, const prometheus::Labels& labels = {}) {
    return metrics_.counter(name, "", labels).Value();
  }
  metrics::Metrics metrics_{"127.0.0.1", 0};
};

TEST_F(TrainerNodeTest, PoisonedStreamThenCleanDataKeepsPublishingGoodCandidates) {
  const std::string dir = temp_dir("poison");
  const config::Scenario cfg = scenario(dir);
  LearnerSetup setup;
  std::string error;
  ASSERT_TRUE(make_learner_setup(cfg, &setup, &error)) << error;
  TrainerNode node(cfg, setup, metrics_);
  ASSERT_TRUE(
      node.init([&](nn::FloatMlp* m) { return starting_model(cfg, setup.sizes, m); }, &error))
      << error;
  const auto clean = clean_batches(cfg, 12000, 101);
  const auto later = clean_batches(cfg, 16000, 202);
  ASSERT_GT(clean.size(), 20u);

  // Some clean data, then the poison, mixed with clean batches.
  for (size_t i = 0; i < 8; ++i) node.on_labels(clean[i]);
  v1::LabelledBatch nan = clean[8];
  nan.set_features(7, std::numeric_limits<float>::quiet_NaN());
  v1::LabelledBatch labels = clean[9];
  labels.set_labels(0, 5.0f);
  labels.set_labels(1, -3.0f);
  for (size_t i = 10; i < clean.size(); ++i) {
    if (i % 3 == 0) node.on_labels(huge_batch(clean[i]));
    if (i % 5 == 0) node.on_labels(nan);
    if (i % 7 == 0) node.on_labels(labels);
    node.on_labels(clean[i]);
  }
  EXPECT_GT(counter("l1t_training_steps_restored_total"), 0) << "1e30 reached the learner";
  EXPECT_GT(counter("l1t_messages_rejected_total", {{"channel", "labels"}, {"reason", "label"}}),
            0);
  EXPECT_GT(
      counter("l1t_messages_rejected_total", {{"channel", "labels"}, {"reason", "non_finite"}}), 0);
  EXPECT_EQ(counter("l1t_replay_rows_refused_total"), 0) << "no bad row reached replay";
  EXPECT_TRUE(node.checkpoint("test")) << "the learner stayed healthy";
  EXPECT_EQ(counter("l1t_checkpoints_total", {{"result", "refused"}}), 0);

  // Then clean data only: candidates keep passing the gate and going out.
  const uint64_t version = node.version();
  const double published = counter("l1t_model_candidates_total", {{"result", "published"}});
  std::vector<v1::ModelUpdate> updates;
  for (const auto& b : later) {
    if (auto u = node.on_labels(b)) updates.push_back(*u);
  }
  EXPECT_FALSE(updates.empty());
  EXPECT_GT(node.version(), version);
  EXPECT_GT(counter("l1t_model_candidates_total", {{"result", "published"}}), published);
  for (const auto& u : updates) {
    EXPECT_TRUE(std::isfinite(u.train_loss())) << "v" << u.version();
  }
  const nlohmann::json stats = node.stats();
  EXPECT_GT(stats["training_steps_restored"].get<uint64_t>(), 0u);
  EXPECT_GT(stats["training_rows_dropped"].get<uint64_t>(), 0u);
  EXPECT_EQ(stats["replay_rows_refused"].get<uint64_t>(), 0u);
  EXPECT_EQ(stats["checkpoints_refused"].get<uint64_t>(), 0u);
  std::printf("restored %llu steps, dropped %llu rows, published %zu after the poison (v%llu)\n",
              static_cast<unsigned long long>(stats["training_steps_restored"].get<uint64_t>()),
              static_cast<unsigned long long>(stats["training_rows_dropped"].get<uint64_t>()),
              updates.size(), static_cast<unsigned long long>(node.version()));

  // And the checkpoint it wrote resumes.
  metrics::Metrics other_metrics("127.0.0.1", 0);
  TrainerNode again(cfg, setup, other_metrics);
  ASSERT_TRUE(again.init([](nn::FloatMlp*) { return false; }, &error)) << error;
  EXPECT_EQ(again.version(), node.version());
  std::filesystem::remove_all(dir);
}

// Without the step guard (what the trainer was before) the poison stays in the learner; the
// trainer then refuses every checkpoint, counts and logs it, and the last good file stays.
TEST_F(TrainerNodeTest, RefusesToCheckpointAPoisonedLearner) {
  const std::string dir = temp_dir("refuse");
  const config::Scenario cfg = scenario(dir);
  LearnerSetup setup;
  std::string error;
  ASSERT_TRUE(make_learner_setup(cfg, &setup, &error)) << error;
  setup.continual.guard_steps = false;
  TrainerNode node(cfg, setup, metrics_);
  ASSERT_TRUE(
      node.init([&](nn::FloatMlp* m) { return starting_model(cfg, setup.sizes, m); }, &error))
      << error;
  const auto clean = clean_batches(cfg, 2000, 303);
  for (const auto& b : clean) node.on_labels(b);
  ASSERT_TRUE(node.checkpoint("good"));
  const std::string path = dir + "/trainer.ckpt";
  const std::string good = read_bytes(path);
  ASSERT_FALSE(good.empty());

  node.on_labels(huge_batch(clean[0]));
  node.on_labels(clean[1]);
  EXPECT_FALSE(node.checkpoint("poisoned"));
  EXPECT_EQ(counter("l1t_checkpoints_total", {{"result", "refused"}}), 1);
  EXPECT_EQ(node.stats()["checkpoints_refused"].get<uint64_t>(), 1u);
  EXPECT_EQ(read_bytes(path), good) << "the last good checkpoint stays";
  node.tick();  // the interval path refuses too
  EXPECT_EQ(read_bytes(path), good);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace l1t::trainer
