#include "services/trainer/trainer_checkpoint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "common/hash/fnv1a.h"
#include "common/nn/continual/continual_learner.h"
#include "common/nn/continual/ewc.h"
#include "common/nn/continual/lwf.h"
#include "common/nn/training/adam.h"
#include "common/nn/training/algorithm.h"

namespace l1t::trainer {
namespace {

using namespace nn;  // the learners whose state the checkpoint carries

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
  c.frozen.version = 1;
  c.frozen.model_update = std::string("base\0bytes", 10);
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
  EXPECT_EQ(a.format, b.format);
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
  EXPECT_EQ(a.frozen.model_update, b.frozen.model_update);
  ASSERT_EQ(a.versions.size(), b.versions.size());
  for (size_t i = 0; i < a.versions.size(); ++i) {
    EXPECT_EQ(a.versions[i].version, b.versions[i].version);
    EXPECT_EQ(a.versions[i].model_update, b.versions[i].model_update);
    EXPECT_EQ(a.versions[i].window_accuracy, b.versions[i].window_accuracy);
    EXPECT_EQ(a.versions[i].reference_service_accuracy, b.versions[i].reference_service_accuracy);
    EXPECT_EQ(a.versions[i].rollback_of, b.versions[i].rollback_of);
  }
  EXPECT_EQ(a.algorithm_state, b.algorithm_state);
  EXPECT_EQ(a.strategy_state, b.strategy_state);
  EXPECT_EQ(a.learner_state, b.learner_state);
}

TEST(CheckpointTest, RoundTripRestoresWeightsOptimiserReplayAndVersions) {
  ContinualLearner learner = trained_learner(3);
  ASSERT_GT(learner.steps(), 0u);
  ASSERT_EQ(learner.replay().size(), 500u);
  const TrainerCheckpoint c = full_checkpoint(learner);
  EXPECT_EQ(c.format, kCheckpointFormat);
  EXPECT_FALSE(c.has_adam) << "format 1's Adam fields are left empty";
  EXPECT_EQ(c.algorithm_state.name, "adam");
  ASSERT_NE(c.algorithm_state.find("m"), nullptr);
  EXPECT_EQ(c.algorithm_state.find("m")->size(), learner.model().num_parameters());
  EXPECT_EQ(*c.algorithm_state.find_ints("t"), std::vector<int64_t>{int64_t(learner.steps())});
  EXPECT_EQ(c.strategy_state.name, "none");
  EXPECT_EQ(c.learner_state.name, "learner");

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
  EXPECT_EQ(again.algorithm_state, c.algorithm_state);
  EXPECT_EQ(again.learner_state, c.learner_state);
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

// One algorithm x strategy combination the trainer can run.
struct Combo {
  std::string algorithm;  // sgd | adam | am-adam
  std::string strategy;   // none | replay | ewc | lwf
  bool qat = false;
};

std::string combo_name(const ::testing::TestParamInfo<Combo>& info) {
  std::string s = info.param.algorithm + "_" + info.param.strategy + (info.param.qat ? "_qat" : "");
  for (char& ch : s) {
    if (ch == '-') ch = '_';
  }
  return s;
}

// A learner as the trainer builds one from its config: replay memory only for "replay".
ContinualLearner combo_learner(const Combo& combo) {
  ContinualConfig cc = small_config();
  if (combo.strategy != "replay") {
    cc.replay_capacity = 0;
    cc.replay_fraction = 0.0f;
  }
  FloatMlp start({kNumFeatures, 8, 6, 1}, 21);
  ContinualLearner learner(start, cc);
  AlgorithmConfig a;
  a.name = combo.algorithm;
  a.learning_rate = 5e-3f;
  a.quantisation_aware = combo.qat;
  std::string error;
  auto algorithm = make_algorithm(a, &error);
  EXPECT_NE(algorithm, nullptr) << error;
  learner.set_algorithm(std::move(algorithm));
  if (combo.strategy == "ewc") {
    EwcConfig e;
    e.lambda = 50.0f;
    e.consolidate_every = 100;  // also exercises the rows counted since the last consolidation
    learner.set_strategy(std::make_unique<Ewc>(e));
  } else if (combo.strategy == "lwf") {
    learner.set_strategy(std::make_unique<Lwf>(start));
  }
  return learner;
}

// n labelled rows from seed: a learnable rule with noise.
struct Rows {
  std::vector<float> x, y;
  size_t n() const { return y.size(); }
};
Rows make_rows(size_t n, uint64_t seed) {
  Rows r;
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g;
  r.x.resize(n * kNumFeatures);
  r.y.resize(n);
  for (auto& v : r.x) v = g(rng);
  for (size_t i = 0; i < n; ++i) {
    r.y[i] =
        r.x[i * kNumFeatures] + 0.5f * r.x[i * kNumFeatures + 1] + 0.3f * g(rng) > 0 ? 1.f : 0.f;
  }
  return r;
}

std::vector<float> parameters_of(const ContinualLearner& l) {
  std::vector<float> p(l.model().num_parameters());
  l.model().get_parameters(p.data());
  return p;
}

void PrintTo(const Combo& c, std::ostream* os) {
  *os << c.algorithm << "/" << c.strategy << (c.qat ? "/qat" : "");
}

class CheckpointContinuesTest : public ::testing::TestWithParam<Combo> {};

// Learner A trains, is checkpointed (through the file encoding) and restored into B, a fresh
// learner from the same config; then both train on the same rows and must stay bit-for-bit equal.
TEST_P(CheckpointContinuesTest, RestoredLearnerContinuesBitForBit) {
  const Combo combo = GetParam();
  ContinualLearner a = combo_learner(combo);
  const Rows first = make_rows(1013, 7);  // not a whole number of steps: rows wait for a step
  a.add_samples(first.x.data(), first.y.data(), first.n());
  a.mark_published();  // EWC consolidates, LwF's teacher becomes the trained model
  const Rows second = make_rows(307, 8);
  a.add_samples(second.x.data(), second.y.data(), second.n());
  ASSERT_GT(a.steps(), 30u);

  TrainerCheckpoint c;
  capture_learner(a, &c);
  TrainerCheckpoint back;
  std::string error;
  ASSERT_TRUE(decode_checkpoint(encode_checkpoint(c), &back, &error)) << error;
  ContinualLearner b = combo_learner(combo);
  ASSERT_TRUE(restore_learner(back, &b, &error)) << error;
  EXPECT_EQ(parameters_of(a), parameters_of(b));

  const Rows third = make_rows(640, 9);
  for (size_t at = 0; at < third.n(); at += 160) {
    const size_t n = std::min<size_t>(160, third.n() - at);
    a.add_samples(&third.x[at * kNumFeatures], &third.y[at], n);
    b.add_samples(&third.x[at * kNumFeatures], &third.y[at], n);
    if (at == 320) {
      a.mark_published();
      b.mark_published();
    }
  }
  EXPECT_EQ(parameters_of(a), parameters_of(b)) << "the restored learner drifted apart";
  EXPECT_EQ(a.loss_ema(), b.loss_ema());
  EXPECT_EQ(a.last_penalty(), b.last_penalty());
}

INSTANTIATE_TEST_SUITE_P(
    AlgorithmsAndStrategies, CheckpointContinuesTest,
    ::testing::Values(Combo{"sgd", "none"}, Combo{"sgd", "replay"}, Combo{"sgd", "ewc"},
                      Combo{"sgd", "lwf"}, Combo{"adam", "none"}, Combo{"adam", "replay"},
                      Combo{"adam", "ewc"}, Combo{"adam", "lwf"}, Combo{"am-adam", "none"},
                      Combo{"am-adam", "replay"}, Combo{"am-adam", "ewc"}, Combo{"am-adam", "lwf"},
                      Combo{"adam", "ewc", true}, Combo{"adam", "replay", true},
                      Combo{"am-adam", "lwf", true}, Combo{"am-adam", "none", true}),
    combo_name);

// Everything restore_learner may change, to check that a refused checkpoint changed nothing.
TrainerCheckpoint snapshot(ContinualLearner& l) {
  TrainerCheckpoint c;
  capture_learner(l, &c);
  return c;
}

void expect_untouched(ContinualLearner& l, const TrainerCheckpoint& before) {
  const TrainerCheckpoint now = snapshot(l);
  EXPECT_EQ(now.parameters, before.parameters);
  EXPECT_EQ(now.replay_x, before.replay_x);
  EXPECT_EQ(now.replay_seen, before.replay_seen);
  EXPECT_EQ(now.algorithm_state, before.algorithm_state);
  EXPECT_EQ(now.strategy_state, before.strategy_state);
  EXPECT_EQ(now.learner_state, before.learner_state);
}

// A learner of combo that has trained on rows other than the checkpoint's, so that its own
// state is not the fresh one and "left as it was" means something.
ContinualLearner busy_learner(const Combo& combo) {
  ContinualLearner l = combo_learner(combo);
  const Rows rows = make_rows(421, 55);
  l.add_samples(rows.x.data(), rows.y.data(), rows.n());
  l.mark_published();
  l.add_samples(rows.x.data(), rows.y.data(), 100);
  return l;
}

TrainerCheckpoint checkpoint_of(const Combo& combo) {
  ContinualLearner l = combo_learner(combo);
  const Rows rows = make_rows(700, 66);
  l.add_samples(rows.x.data(), rows.y.data(), rows.n());
  l.mark_published();
  l.add_samples(rows.x.data(), rows.y.data(), 130);
  return snapshot(l);
}

// Restoring c into a busy learner of combo is refused with a message holding `expect`, and the
// learner is left as it was.
void expect_refused(const TrainerCheckpoint& c, const Combo& combo, const std::string& expect) {
  ContinualLearner target = busy_learner(combo);
  const TrainerCheckpoint before = snapshot(target);
  std::string error;
  EXPECT_FALSE(restore_learner(c, &target, &error)) << expect;
  EXPECT_NE(error.find(expect), std::string::npos) << error;
  expect_untouched(target, before);
}

TEST(CheckpointTest, AnotherAlgorithmsOrStrategysStateIsRefused) {
  const TrainerCheckpoint adam = checkpoint_of({"adam", "ewc"});
  expect_refused(adam, {"am-adam", "ewc"}, "algorithm 'adam', the learner runs 'am-adam'");
  expect_refused(adam, {"sgd", "ewc"}, "algorithm 'adam', the learner runs 'sgd'");
  expect_refused(adam, {"adam", "lwf"}, "strategy 'ewc', the learner runs 'lwf'");
  expect_refused(adam, {"adam", "none"}, "strategy 'ewc', the learner runs 'none'");
  const TrainerCheckpoint am = checkpoint_of({"am-adam", "none"});
  expect_refused(am, {"adam", "none"}, "algorithm 'am-adam', the learner runs 'adam'");
}

// The algorithm's state loads first; a strategy refused after it must not leave it changed.
TEST(CheckpointTest, AFisherOfTheWrongSizeIsRefusedAndNothingChanges) {
  for (const char* algorithm : {"adam", "am-adam", "sgd"}) {
    TrainerCheckpoint c = checkpoint_of({algorithm, "ewc"});
    for (auto& [key, values] : c.strategy_state.floats) {
      if (key == "fisher") values.pop_back();
    }
    expect_refused(c, {algorithm, "ewc"}, "'ewc' state 'fisher' holds");
  }
  TrainerCheckpoint lwf = checkpoint_of({"am-adam", "lwf", true});
  lwf.strategy_state.floats.front().second.push_back(0.5f);  // the teacher
  expect_refused(lwf, {"am-adam", "lwf", true}, "'lwf' state 'teacher' holds");
}

TEST(CheckpointTest, ATruncatedOrIncompleteBlobIsRefused) {
  TrainerCheckpoint adam = checkpoint_of({"adam", "replay"});
  ASSERT_EQ(adam.algorithm_state.floats.at(0).first, "m");
  adam.algorithm_state.floats.at(0).second.resize(10);
  expect_refused(adam, {"adam", "replay"}, "'adam' state 'v' holds");

  TrainerCheckpoint am = checkpoint_of({"am-adam", "ewc"});
  am.algorithm_state.floats.at(0).second.pop_back();
  am.algorithm_state.floats.at(1).second.pop_back();
  expect_refused(am, {"am-adam", "ewc"}, "'am-adam' state 'm' holds");

  TrainerCheckpoint sgd = checkpoint_of({"sgd", "lwf"});
  sgd.algorithm_state.floats.clear();
  expect_refused(sgd, {"sgd", "lwf"}, "'sgd' state 'velocity' is missing");

  TrainerCheckpoint ewc = checkpoint_of({"adam", "ewc"});
  ewc.strategy_state.ints.pop_back();
  expect_refused(ewc, {"adam", "ewc"}, "'ewc' state 'consolidations' is missing");

  // The learner's own part fails last: the algorithm and strategy loaded before it roll back.
  TrainerCheckpoint rows = checkpoint_of({"am-adam", "lwf"});
  for (auto& [key, values] : rows.learner_state.floats) {
    if (key == "pending_x") values.pop_back();
  }
  expect_refused(rows, {"am-adam", "lwf"}, "'learner' state 'pending_x' holds");
  TrainerCheckpoint rng = checkpoint_of({"sgd", "replay"});
  rng.learner_state.ints.at(0).second.resize(5);
  expect_refused(rng, {"sgd", "replay"}, "random state");
}

// A blob cut short inside the file (checksum recomputed, so only the structure is wrong) is
// refused by the decoder as a whole.
TEST(CheckpointTest, ABlobCutShortInTheFileIsRefused) {
  const TrainerCheckpoint c = checkpoint_of({"am-adam", "ewc"});
  const std::string good = encode_checkpoint(c);
  std::string payload = good.substr(28);
  payload.resize(payload.size() - 12);  // the last blob loses its tail
  std::string bad = good.substr(0, 12);
  const uint64_t size = payload.size();
  bad.append(reinterpret_cast<const char*>(&size), 8);
  const uint64_t h = hash::fnv1a(payload);
  bad.append(reinterpret_cast<const char*>(&h), 8);
  bad += payload;
  TrainerCheckpoint out;
  out.version = 77;
  std::string error;
  EXPECT_FALSE(decode_checkpoint(bad, &out, &error));
  EXPECT_NE(error.find("malformed"), std::string::npos) << error;
  EXPECT_EQ(out.version, 77u);
}

// Format 1 as the previous build wrote it: the same payload up to the version records, Adam's
// state in its own fields, no blobs.
std::string encode_format1(const TrainerCheckpoint& c) {
  std::string p;
  auto pod = [&p](auto v) { p.append(reinterpret_cast<const char*>(&v), sizeof v); };
  auto vec = [&](const auto& v) {
    pod(uint64_t(v.size()));
    p.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0]));
  };
  auto record = [&](const VersionRecord& r) {
    pod(r.version);
    pod(uint64_t(r.model_update.size()));
    p += r.model_update;
    pod(r.window_accuracy);
    pod(r.window_service_accuracy);
    pod(r.reference_accuracy);
    pod(r.reference_service_accuracy);
    pod(r.rollback_of);
  };
  vec(c.sizes);
  vec(c.parameters);
  pod(uint8_t(c.has_adam));
  pod(c.adam_t);
  vec(c.adam_m);
  vec(c.adam_v);
  for (uint64_t v : {c.replay_capacity, c.replay_seen}) pod(v);
  vec(c.replay_x);
  vec(c.replay_y);
  for (uint64_t v : {c.samples_seen, c.samples_trained, c.steps, c.version, c.candidates_published,
                     c.candidates_rejected}) {
    pod(v);
  }
  record(c.frozen);
  pod(uint64_t(c.versions.size()));
  for (const auto& r : c.versions) record(r);
  const uint64_t h = hash::fnv1a(p);
  std::string out = "L1TCKPT\n";
  const uint32_t format = 1;
  const uint64_t size = p.size();
  out.append(reinterpret_cast<const char*>(&format), 4);
  out.append(reinterpret_cast<const char*>(&size), 8);
  out.append(reinterpret_cast<const char*>(&h), 8);
  return out + p;
}

Adam& adam_of(ContinualLearner& l) {
  return dynamic_cast<Adam&>(dynamic_cast<BackpropAlgorithm&>(l.algorithm()).optimizer());
}

TEST(CheckpointTest, AFormat1FileStillLoadsItsAdamState) {
  ContinualLearner learner = trained_learner(6);
  TrainerCheckpoint old = full_checkpoint(learner);
  old.has_adam = true;
  old.adam_t = adam_of(learner).steps();
  adam_of(learner).get_state(&old.adam_m, &old.adam_v);
  ASSERT_GT(old.adam_t, 0);
  const std::string path = temp_path("format1");
  std::ofstream(path, std::ios::binary) << encode_format1(old);

  TrainerCheckpoint back;
  std::string error;
  ASSERT_TRUE(read_checkpoint(path, &back, &error)) << error;
  EXPECT_EQ(back.format, 1u);
  old.format = 1;
  old.algorithm_state = old.strategy_state = old.learner_state = StateBlob{};
  expect_same(old, back);

  ContinualLearner fresh(FloatMlp({kNumFeatures, 8, 6, 1}, 99), small_config());
  ASSERT_TRUE(restore_learner(back, &fresh, &error)) << error;
  EXPECT_EQ(parameters_of(fresh), parameters_of(learner));
  EXPECT_EQ(adam_of(fresh).steps(), old.adam_t);
  std::vector<float> m, v;
  adam_of(fresh).get_state(&m, &v);
  EXPECT_EQ(m, old.adam_m);
  EXPECT_EQ(v, old.adam_v);
  EXPECT_EQ(fresh.replay().size(), learner.replay().size());
  // Written again, it is a format-2 file.
  TrainerCheckpoint again;
  capture_learner(fresh, &again);
  ASSERT_TRUE(decode_checkpoint(encode_checkpoint(again), &back, &error)) << error;
  EXPECT_EQ(back.format, kCheckpointFormat);
  EXPECT_EQ(back.algorithm_state.find("m")->size(), m.size());
}

}  // namespace
}  // namespace l1t::trainer
