#include "common/experiment/level_ceiling.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/experiment/experiences.h"

namespace l1t::experiment {
namespace {

// Two levels, undegraded and the 10 % smear, at sizes that take a few seconds: enough
// primaries (a few thousand) for the efficiencies to mean something.
LevelCeilingOptions small_options() {
  LevelCeilingOptions o;
  std::vector<ExperienceSpec> specs;
  std::string error;
  EXPECT_TRUE(experience_sequence({"smear"}, &specs, &error)) << error;
  o.levels = {specs[0].state, specs[10].state};
  o.train_events = 150;
  o.test_events = 150;
  o.pretrain_events = 150;
  o.threads = 2;
  o.seed = 1;
  return o;
}

std::string temp_dir() {
  std::string tmpl = "/tmp/l1t-test-level-ceiling-XXXXXX";
  return mkdtemp(tmpl.data());
}

// Bit-identical numbers (NaN equal to NaN).
void expect_same_score(const CeilingScore& a, const CeilingScore& b, const std::string& what) {
  const double av[] = {a.efficiency,
                       a.pu_acceptance,
                       a.threshold,
                       a.efficiency_error,
                       a.efficiency_fixed,
                       a.pu_acceptance_fixed,
                       a.efficiency_fixed_error,
                       a.auc,
                       a.accuracy,
                       a.auc_float};
  const double bv[] = {b.efficiency,
                       b.pu_acceptance,
                       b.threshold,
                       b.efficiency_error,
                       b.efficiency_fixed,
                       b.pu_acceptance_fixed,
                       b.efficiency_fixed_error,
                       b.auc,
                       b.accuracy,
                       b.auc_float};
  for (size_t i = 0; i < std::size(av); ++i) {
    if (std::isnan(av[i])) {
      EXPECT_TRUE(std::isnan(bv[i])) << what << " field " << i;
    } else {
      EXPECT_EQ(av[i], bv[i]) << what << " field " << i;
    }
  }
}

void expect_same(const LevelCeilingResult& a, const LevelCeilingResult& b) {
  ASSERT_EQ(a.levels.size(), b.levels.size());
  EXPECT_EQ(a.target_pu_acceptance, b.target_pu_acceptance);
  for (size_t i = 0; i < a.levels.size(); ++i) {
    const std::string what = "level " + std::to_string(i);
    expect_same_score(a.levels[i].ceiling, b.levels[i].ceiling, what + " ceiling");
    expect_same_score(a.levels[i].frozen, b.levels[i].frozen, what + " frozen");
    EXPECT_EQ(a.levels[i].n_primary, b.levels[i].n_primary) << what;
    EXPECT_EQ(a.levels[i].n_pileup, b.levels[i].n_pileup) << what;
    EXPECT_EQ(a.levels[i].gap, b.levels[i].gap) << what;
    EXPECT_EQ(a.levels[i].gap_error, b.levels[i].gap_error) << what;
    EXPECT_EQ(a.levels[i].state.smear, b.levels[i].state.smear) << what;
  }
}

class LevelCeilingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(temp_dir());
    options_ = new LevelCeilingOptions(small_options());
    options_->cache_dir = *dir_;
    first_ = new LevelCeilingResult;
    std::string error;
    ok_ = compute_level_ceilings(*options_, first_, &error);
    error_ = new std::string(error);
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete options_;
    delete first_;
    delete error_;
  }
  static std::string* dir_;
  static LevelCeilingOptions* options_;
  static LevelCeilingResult* first_;
  static std::string* error_;
  static bool ok_;
};
std::string* LevelCeilingTest::dir_ = nullptr;
LevelCeilingOptions* LevelCeilingTest::options_ = nullptr;
LevelCeilingResult* LevelCeilingTest::first_ = nullptr;
std::string* LevelCeilingTest::error_ = nullptr;
bool LevelCeilingTest::ok_ = false;

TEST_F(LevelCeilingTest, FirstCallTrainsAndWritesTheCache) {
  ASSERT_TRUE(ok_) << *error_;
  const auto& r = *first_;
  EXPECT_FALSE(r.from_cache);
  EXPECT_EQ(r.models_trained, 3u);  // the frozen reference and one ceiling per level
  EXPECT_TRUE(r.warnings.empty());
  ASSERT_EQ(r.levels.size(), 2u);
  EXPECT_EQ(r.cache_path, level_ceiling_cache_path(*options_));
  EXPECT_EQ(std::filesystem::path(r.cache_path).parent_path(), *dir_);
  EXPECT_TRUE(std::filesystem::exists(r.cache_path));
  EXPECT_DOUBLE_EQ(r.target_pu_acceptance, 0.10);
  for (const auto& l : r.levels) {
    EXPECT_GT(l.n_primary, 1000u);
    EXPECT_GT(l.ceiling.efficiency, 0.5);
    EXPECT_GT(l.ceiling.efficiency_error, 0);
    EXPECT_LT(l.ceiling.efficiency_error, 0.02);
    EXPECT_LE(l.ceiling.pu_acceptance, 0.10);
    EXPECT_NEAR(l.gap, l.ceiling.efficiency - l.frozen.efficiency, 1e-12);
  }
  EXPECT_DOUBLE_EQ(r.levels[1].state.smear, 0.10);
}

TEST_F(LevelCeilingTest, CeilingAtLeastFrozenOnTheSmearedLevel) {
  ASSERT_TRUE(ok_) << *error_;
  const auto& l = first_->levels[1];
  EXPECT_GE(l.ceiling.efficiency, l.frozen.efficiency - 3 * l.gap_error)
      << l.ceiling.efficiency << " " << l.frozen.efficiency << " " << l.gap_error;
  // The smear costs the frozen model efficiency.
  EXPECT_LT(l.frozen.efficiency, first_->levels[0].frozen.efficiency);
}

TEST_F(LevelCeilingTest, SecondCallReadsTheCacheWithoutTraining) {
  ASSERT_TRUE(ok_) << *error_;
  LevelCeilingOptions o = *options_;
  int progress_lines = 0;
  o.progress = [&](const std::string&) { ++progress_lines; };
  o.threads = 1;  // not part of the key: the results do not depend on it
  LevelCeilingResult again;
  std::string error;
  ASSERT_TRUE(compute_level_ceilings(o, &again, &error)) << error;
  EXPECT_TRUE(again.from_cache);
  EXPECT_EQ(again.models_trained, 0u);
  EXPECT_EQ(progress_lines, 0);
  EXPECT_TRUE(again.warnings.empty());
  EXPECT_EQ(again.key, first_->key);
  expect_same(*first_, again);
}

TEST_F(LevelCeilingTest, AChangedInputMisses) {
  ASSERT_TRUE(ok_) << *error_;
  LevelCeilingOptions o = *options_;
  o.seed = 2;
  EXPECT_NE(level_ceiling_cache_path(o), level_ceiling_cache_path(*options_));
  int progress_lines = 0;
  o.progress = [&](const std::string&) { ++progress_lines; };
  LevelCeilingResult other;
  std::string error;
  ASSERT_TRUE(compute_level_ceilings(o, &other, &error)) << error;
  EXPECT_FALSE(other.from_cache);
  EXPECT_EQ(other.models_trained, 3u);
  EXPECT_EQ(progress_lines, 3);
  EXPECT_NE(other.levels[1].ceiling.efficiency, first_->levels[1].ceiling.efficiency);
  // Both files now exist side by side.
  EXPECT_TRUE(std::filesystem::exists(level_ceiling_cache_path(o)));
  EXPECT_TRUE(std::filesystem::exists(level_ceiling_cache_path(*options_)));
}

TEST_F(LevelCeilingTest, ACorruptFileIsIgnoredWithAWarningAndRewritten) {
  ASSERT_TRUE(ok_) << *error_;
  const std::string path = level_ceiling_cache_path(*options_);
  std::string good;
  {
    std::ifstream f(path);
    good.assign(std::istreambuf_iterator<char>(f), {});
  }
  for (const std::string& bad : {std::string("{ not json"), good.substr(0, good.size() / 2),
                                 std::string("{\"format_version\": 1}")}) {
    {
      std::ofstream f(path, std::ios::trunc);
      f << bad;
    }
    LevelCeilingResult r;
    std::string error;
    ASSERT_TRUE(compute_level_ceilings(*options_, &r, &error)) << error;
    EXPECT_FALSE(r.from_cache);
    EXPECT_EQ(r.models_trained, 3u);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find(path), std::string::npos) << r.warnings[0];
    expect_same(*first_, r);
    // Rewritten: the next call hits.
    LevelCeilingResult hit;
    ASSERT_TRUE(compute_level_ceilings(*options_, &hit, &error)) << error;
    EXPECT_TRUE(hit.from_cache);
    EXPECT_TRUE(hit.warnings.empty());
    expect_same(*first_, hit);
  }
}

TEST_F(LevelCeilingTest, ResultsDoNotDependOnTheThreadCount) {
  ASSERT_TRUE(ok_) << *error_;
  LevelCeilingOptions o = *options_;
  o.cache_dir.clear();  // computed, not read
  o.threads = 1;
  LevelCeilingResult one;
  std::string error;
  ASSERT_TRUE(compute_level_ceilings(o, &one, &error)) << error;
  EXPECT_FALSE(one.from_cache);
  EXPECT_TRUE(one.cache_path.empty());
  expect_same(*first_, one);
}

TEST(LevelCeilingKeyTest, EveryInputIsInTheKeyButTheThreadsAndTheMix) {
  const LevelCeilingOptions base = small_options();
  const uint64_t k = level_ceiling_key(base);
  auto changed = [&](auto edit) {
    LevelCeilingOptions o = base;
    edit(o);
    return level_ceiling_key(o);
  };
  EXPECT_NE(k, changed([](auto& o) { o.seed = 3; }));
  EXPECT_NE(k, changed([](auto& o) { o.train_events = 151; }));
  EXPECT_NE(k, changed([](auto& o) { o.test_events = 151; }));
  EXPECT_NE(k, changed([](auto& o) { o.pretrain_events = 151; }));
  EXPECT_NE(k, changed([](auto& o) { o.pretrain.epochs = 7; }));
  EXPECT_NE(k, changed([](auto& o) { o.pretrain.lr = 1e-3f; }));
  EXPECT_NE(k, changed([](auto& o) { o.pretrain.batch = 128; }));
  EXPECT_NE(k, changed([](auto& o) { o.pretrain.sizes = {nn::kNumFeatures, 20, 1}; }));
  EXPECT_NE(k, changed([](auto& o) { o.quantisation.layer.accum = fixed::Spec{18, 8}; }));
  EXPECT_NE(k, changed([](auto& o) { o.quantisation.input = fixed::Spec{14, 6}; }));
  EXPECT_NE(k, changed([](auto& o) { o.pu_acceptance = 0.05; }));
  EXPECT_NE(k, changed([](auto& o) { o.ceiling_candidates = 2; }));
  EXPECT_NE(k, changed([](auto& o) { o.levels[1].smear = 0.09; }));
  EXPECT_NE(k, changed([](auto& o) { o.levels[1].tracker.bad_strip_fraction = 0.01; }));
  EXPECT_NE(k, changed([](auto& o) { o.levels[1].smear_mode = physics::SmearMode::kRelative; }));
  EXPECT_NE(k, changed([](auto& o) { o.levels.pop_back(); }));
  EXPECT_NE(k, changed([](auto& o) { o.generator.pileup_mean = 140; }));
  EXPECT_NE(k, changed([](auto& o) { o.generator.tsallis_n = 7; }));
  EXPECT_NE(k, changed([](auto& o) { o.generator.smear_widths.z0 = 0.05; }));
  EXPECT_NE(k, changed([](auto& o) { o.generator.bias_rail_band.rail_um = 40; }));
  EXPECT_NE(k, changed([](auto& o) { o.generator.stub_model = false; }));
  EXPECT_NE(k, changed([](auto& o) { o.generator.quality_mva_chi2_weight = 0.7; }));
  // Neither changes the numbers: the thread count, and the scenario's minimum-bias mix (the
  // data are the signal sample whatever it is).
  EXPECT_EQ(k, changed([](auto& o) { o.threads = 7; }));
  EXPECT_EQ(k, changed([](auto& o) { o.generator.hard_scatter_fraction = 0.3; }));
  EXPECT_EQ(k, changed([](auto& o) { o.cache_dir = "/elsewhere"; }));
}

TEST(LevelCeilingKeyTest, GeneratorConfigHasNoFieldTheKeyMisses) {
  // add_generator (level_ceiling.cc) lists every field of GeneratorConfig; a new field changes
  // the struct's size. Add it to the key, then update this number.
  EXPECT_EQ(sizeof(physics::GeneratorConfig), 488u)
      << "GeneratorConfig changed: add its new fields to level_ceiling.cc's add_generator";
}

TEST(LevelCeilingOptionsTest, RejectsNoLevelsAndBadSizes) {
  LevelCeilingOptions o = small_options();
  LevelCeilingResult r;
  std::string error;
  o.levels.clear();
  EXPECT_FALSE(compute_level_ceilings(o, &r, &error));
  EXPECT_NE(error.find("no levels"), std::string::npos) << error;
  o = small_options();
  o.train_events = 0;
  EXPECT_FALSE(compute_level_ceilings(o, &r, &error));
  o = small_options();
  o.pu_acceptance = 1.5;
  EXPECT_FALSE(compute_level_ceilings(o, &r, &error));
}

}  // namespace
}  // namespace l1t::experiment
