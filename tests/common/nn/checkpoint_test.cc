#include "common/nn/checkpoint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "common/nn/adam.h"
#include "common/nn/continual_learner.h"

namespace l1t::nn {
namespace {

std::string temp_path(const std::string& tag) {
  std::string tmpl = "/tmp/l1t-ckpt-" + tag + "-XXXXXX";
  return std::string(mkdtemp(tmpl.data())) + "/trainer.ckpt";
}

ContinualConfig small_config() {
  ContinualConfig cc;
  cc.batch_size = 32;
  cc.replay_capacity = 500;
  cc.replay_fraction = 0.5f;
  cc.publish_every = 300;
  return cc;
}

// A learner that has trained a while: Adam moments, a full replay reservoir.
ContinualLearner trained_learner(uint64_t seed) {
  ContinualLearner learner(FloatMlp({kNumFeatures, 8, 6, 1}, seed), small_config());
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> x(2000 * kNumFeatures), y(2000);
  for (auto& v : x) v = g(rng);
  for (size_t i = 0; i < y.size(); ++i) y[i] = x[i * kNumFeatures] > 0 ? 1.f : 0.f;
  learner.add_samples(x.data(), y.data(), y.size());
  return learner;
}

TrainerCheckpoint full_checkpoint(ContinualLearner& learner) {
  TrainerCheckpoint c;
  capture_learner(learner, &c);
  c.samples_seen = 2000;
  c.samples_trained = 1984;
  c.steps = 124;
  c.version = 7;
  c.candidates_published = 6;
  c.candidates_rejected = 2;
  c.base.version = 1;
  c.base.model_update = std::string("base\0bytes", 10);
  for (uint64_t v : {5, 6, 7}) {
    VersionRecord r;
    r.version = v;
    r.model_update = "update " + std::to_string(v);
    r.window_accuracy = 0.9 + v * 0.001;
    r.window_service_accuracy = 0.9;
    r.reference_accuracy = 0.95;
    r.reference_service_accuracy = 0.951;
    r.rollback_of = v == 7 ? 5 : 0;
    c.versions.push_back(r);
  }
  return c;
}

void expect_same(const TrainerCheckpoint& a, const TrainerCheckpoint& b) {
  EXPECT_EQ(a.sizes, b.sizes);
  EXPECT_EQ(a.parameters, b.parameters);
  EXPECT_EQ(a.has_adam, b.has_adam);
  EXPECT_EQ(a.adam_t, b.adam_t);
  EXPECT_EQ(a.adam_m, b.adam_m);
  EXPECT_EQ(a.adam_v, b.adam_v);
  EXPECT_EQ(a.replay_capacity, b.replay_capacity);
  EXPECT_EQ(a.replay_seen, b.replay_seen);
  EXPECT_EQ(a.replay_x, b.replay_x);
  EXPECT_EQ(a.replay_y, b.replay_y);
  EXPECT_EQ(a.samples_seen, b.samples_seen);
  EXPECT_EQ(a.samples_trained, b.samples_trained);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.candidates_published, b.candidates_published);
  EXPECT_EQ(a.candidates_rejected, b.candidates_rejected);
  EXPECT_EQ(a.base.model_update, b.base.model_update);
  ASSERT_EQ(a.versions.size(), b.versions.size());
  for (size_t i = 0; i < a.versions.size(); ++i) {
    EXPECT_EQ(a.versions[i].version, b.versions[i].version);
    EXPECT_EQ(a.versions[i].model_update, b.versions[i].model_update);
    EXPECT_EQ(a.versions[i].window_accuracy, b.versions[i].window_accuracy);
    EXPECT_EQ(a.versions[i].reference_service_accuracy, b.versions[i].reference_service_accuracy);
    EXPECT_EQ(a.versions[i].rollback_of, b.versions[i].rollback_of);
  }
}

TEST(CheckpointTest, RoundTripRestoresWeightsOptimiserReplayAndVersions) {
  ContinualLearner learner = trained_learner(3);
  ASSERT_GT(learner.steps(), 0u);
  ASSERT_EQ(learner.replay().size(), 500u);
  const TrainerCheckpoint c = full_checkpoint(learner);
  ASSERT_TRUE(c.has_adam);
  EXPECT_EQ(c.adam_m.size(), learner.model().num_parameters());

  const std::string path = temp_path("roundtrip");
  std::string error;
  ASSERT_TRUE(write_checkpoint(path, c, &error)) << error;
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  TrainerCheckpoint back;
  ASSERT_TRUE(read_checkpoint(path, &back, &error)) << error;
  expect_same(c, back);

  // Into a fresh learner of the same shape: identical weights, Adam state and replay memory.
  ContinualLearner fresh(FloatMlp({kNumFeatures, 8, 6, 1}, 99), small_config());
  ASSERT_TRUE(restore_learner(back, &fresh, &error)) << error;
  TrainerCheckpoint again;
  capture_learner(fresh, &again);
  EXPECT_EQ(again.parameters, c.parameters);
  EXPECT_EQ(again.adam_t, c.adam_t);
  EXPECT_EQ(again.adam_m, c.adam_m);
  EXPECT_EQ(again.adam_v, c.adam_v);
  EXPECT_EQ(again.replay_x, c.replay_x);
  EXPECT_EQ(again.replay_y, c.replay_y);
  EXPECT_EQ(again.replay_seen, c.replay_seen);

  // The same optimiser step on both gives the same weights: the moments really are restored.
  auto& a = dynamic_cast<Adam&>(dynamic_cast<BackpropAlgorithm&>(learner.algorithm()).optimizer());
  auto& b = dynamic_cast<Adam&>(dynamic_cast<BackpropAlgorithm&>(fresh.algorithm()).optimizer());
  FloatMlp ma = learner.model(), mb = fresh.model();
  Gradients g = ma.make_gradients();
  for (auto& dw : g.dw) dw.setConstant(0.01f);
  for (auto& db : g.db) db.setConstant(-0.02f);
  a.step(ma, g);
  b.step(mb, g);
  std::vector<float> pa(ma.num_parameters()), pb(mb.num_parameters());
  ma.get_parameters(pa.data());
  mb.get_parameters(pb.data());
  EXPECT_EQ(pa, pb);
}

TEST(CheckpointTest, RestoreRefusesAnotherArchitectureAndLeavesTheLearnerAlone) {
  ContinualLearner learner = trained_learner(3);
  const TrainerCheckpoint c = full_checkpoint(learner);
  ContinualLearner other(FloatMlp({kNumFeatures, 4, 1}, 5), small_config());
  std::vector<float> before(other.model().num_parameters());
  other.model().get_parameters(before.data());
  std::string error;
  EXPECT_FALSE(restore_learner(c, &other, &error));
  EXPECT_NE(error.find("architecture"), std::string::npos) << error;
  std::vector<float> after(before.size());
  other.model().get_parameters(after.data());
  EXPECT_EQ(before, after);
}

// Every damaged file is refused as a whole and the output is left as it was.
TEST(CheckpointTest, TruncatedFlippedOrForeignFilesAreRefused) {
  ContinualLearner learner = trained_learner(4);
  const std::string bytes = encode_checkpoint(full_checkpoint(learner));
  const std::string path = temp_path("corrupt");
  auto refused = [&](const std::string& content, const std::string& expect) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    TrainerCheckpoint c;
    c.version = 12345;
    std::string error;
    EXPECT_FALSE(read_checkpoint(path, &c, &error)) << expect;
    EXPECT_NE(error.find(expect), std::string::npos) << error;
    EXPECT_EQ(c.version, 12345u);
  };
  refused(bytes.substr(0, bytes.size() - 1), "truncated");
  refused(bytes.substr(0, bytes.size() / 2), "truncated");
  refused(bytes.substr(0, 10), "magic");
  refused("", "magic");
  refused(bytes + "x", "padded");
  for (size_t at : {size_t{40}, bytes.size() / 2, bytes.size() - 1}) {
    std::string flipped = bytes;
    flipped[at] ^= 0x10;
    refused(flipped, "checksum");
  }
  std::string format = bytes;
  format[8] = 9;  // the format version's low byte
  refused(format, "format 9");
  std::string error;
  TrainerCheckpoint c;
  EXPECT_FALSE(read_checkpoint(path + ".missing", &c, &error));
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
}

TEST(CheckpointTest, RewritingReplacesTheOldCheckpointWhole) {
  ContinualLearner learner = trained_learner(5);
  TrainerCheckpoint c = full_checkpoint(learner);
  const std::string path = temp_path("rewrite");
  std::string error;
  ASSERT_TRUE(write_checkpoint(path, c, &error)) << error;
  c.version = 8;
  c.versions.clear();
  ASSERT_TRUE(write_checkpoint(path, c, &error)) << error;
  TrainerCheckpoint back;
  ASSERT_TRUE(read_checkpoint(path, &back, &error)) << error;
  EXPECT_EQ(back.version, 8u);
  EXPECT_TRUE(back.versions.empty());
  EXPECT_FALSE(write_checkpoint("/nonexistent-dir/x.ckpt", c, &error));
  EXPECT_NE(error.find("cannot create"), std::string::npos) << error;
}

}  // namespace
}  // namespace l1t::nn
