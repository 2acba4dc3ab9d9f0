// The whole chain as a user runs it: l1t-chain starts the four real processes on ephemeral
// loopback ports, the smear rises to 10 %, weights flow back and are hot-swapped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/support/service_process.h"

namespace l1t {
namespace {

// Runs l1t-chain on the default scenario with these --set overrides, on ephemeral ports in a
// fresh directory, and reads its summary; fails the test if the chain fails.
void run_chain(const std::string& tag, const std::vector<std::string>& overrides,
               nlohmann::json* summary) {
  const std::string dir = testing::temp_dir(tag);
  const std::string summary_path = dir + "/summary.json";
  std::vector<std::string> args = {testing::binary("l1t-chain"),
                                   "--config",
                                   testing::default_config(),
                                   "--ephemeral-ports",
                                   "--work-dir",
                                   dir,
                                   "--summary-json",
                                   summary_path,
                                   "--timeout",
                                   "400"};
  // The ceiling off unless a test asks for it (then cached in the test's own directory).
  args.insert(args.end(), {"--set", "ceiling.enabled=false", "--set",
                           "ceiling.cache_dir=" + dir + "/ceiling-cache"});
  for (const auto& o : overrides) args.insert(args.end(), {"--set", o});
  runtime::ChildProcess chain;
  std::string error;
  ASSERT_TRUE(chain.start(args, dir + "/chain.log", &error)) << error;
  const auto code = chain.wait_for(std::chrono::seconds(500));
  ASSERT_TRUE(code.has_value()) << "l1t-chain did not finish; log in " << dir;
  ASSERT_EQ(*code, 0) << "l1t-chain failed; log in " << dir;
  ASSERT_TRUE(runtime::read_json_file(summary_path, summary));
}

TEST(ChainTest, WeightsAreHotSwappedAndTheLiveModelBeatsTheFrozenOneAtTheHighestDegradation) {
  nlohmann::json s;
  // The ceiling at a small size (about 3 s); a 4 % minimum-bias accept so that the ~250
  // undegraded minimum-bias events fix an HT threshold (10 expected accepts).
  ASSERT_NO_FATAL_FAILURE(run_chain(
      "chain",
      {"degradation.events_per_level=500", "ceiling.enabled=true", "ceiling.train_events=500",
       "ceiling.test_events=300", "inference.trigger_minbias_accept=0.04"},
      &s));
  EXPECT_TRUE(s["ok"].get<bool>());
  EXPECT_EQ(s["events_generated"].get<uint64_t>(), 11u * 500u);
  EXPECT_EQ(s["events_decided"].get<uint64_t>(), s["events_generated"].get<uint64_t>());
  EXPECT_EQ(s["events_dropped"].get<uint64_t>(), 0u);
  // More than one weight version reached the node, each applied between events, none lost.
  EXPECT_GT(s["model_versions_applied"].get<uint64_t>(), 1u);
  EXPECT_GT(s["model_versions_in_decisions"].size(), 1u);
  EXPECT_GT(s["model_versions_published"].get<uint64_t>(), 2u);
  EXPECT_EQ(s["events_missing_around_swaps"].get<uint64_t>(), 0u);
  EXPECT_EQ(s["model_versions_refused"].get<uint64_t>(), 0u);
  EXPECT_GT(s["throughput_events_per_s"].get<double>(), 0.0);
  EXPECT_GT(s["decision_latency_p99_s"].get<double>(), 0.0);

  const auto& levels = s["levels"];
  ASSERT_EQ(levels.size(), 11u);
  const auto& top = levels.back();
  EXPECT_DOUBLE_EQ(top["degradation"].get<double>(), 0.10);
  EXPECT_GT(top["accuracy_live"].get<double>(), top["accuracy_frozen"].get<double>())
      << levels.dump(1);
  // The frozen model loses accuracy as the detector degrades: that is what the chain is for.
  EXPECT_LT(top["accuracy_frozen"].get<double>(), levels.front()["accuracy_frozen"].get<double>());
  for (const auto& l : levels) EXPECT_EQ(l["tracker"], "none") << l.dump();

  // What a trigger physicist judges by: PV-track efficiency at the working point fixed on the
  // undegraded level, where the frozen model keeps 10 % of pile-up tracks (its ~250 tt-bar
  // events hold ~60,000 pile-up tracks: the discrete threshold lands within a point of the
  // target). The other half of the events is the minimum-bias rate sample.
  const auto& wp = s["working_point"];
  EXPECT_EQ(wp["reference_events"].get<uint64_t>(),
            levels.front()["signal_events"].get<uint64_t>());
  EXPECT_EQ(levels.front()["signal_events"].get<uint64_t>() +
                levels.front()["minimum_bias_events"].get<uint64_t>(),
            500u);
  EXPECT_GT(levels.front()["minimum_bias_events"].get<uint64_t>(), 150u);
  EXPECT_GT(levels.front()["signal_events"].get<uint64_t>(), 150u);
  EXPECT_NEAR(wp["pu_acceptance"].get<double>(), 0.10, 0.01) << wp.dump();
  EXPECT_NEAR(levels.front()["pu_acceptance_frozen"].get<double>(), 0.10, 0.01);
  EXPECT_GT(levels.front()["pv_efficiency_frozen"].get<double>(), 0.9);
  EXPECT_LT(top["pv_efficiency_frozen"].get<double>(),
            levels.front()["pv_efficiency_frozen"].get<double>() - 0.05)
      << "the frozen model loses efficiency as the detector degrades";
  // FastHisto finds the vertex less often as the tracks degrade (the same code at every level).
  EXPECT_GT(levels.front()["vertex_efficiency"].get<double>(), 0.95);
  EXPECT_LT(top["vertex_efficiency"].get<double>(),
            levels.front()["vertex_efficiency"].get<double>());
  EXPECT_GT(top["vertex_resolution_cm"].get<double>(),
            levels.front()["vertex_resolution_cm"].get<double>());
  // Compared at the same pile-up acceptance (the threshold re-tuned on the level), the retrained
  // model keeps more of the primary vertex's tracks.
  EXPECT_GT(top["pv_efficiency_live_retuned"].get<double>(),
            top["pv_efficiency_frozen_retuned"].get<double>())
      << levels.dump(1);

  // Each weight version carries its own working point, so the live model's pile-up acceptance
  // stays at the target where the frozen model's held threshold would let it drift.
  EXPECT_EQ(wp["live"], "calibrated");
  EXPECT_TRUE(top["live_calibrated"].get<bool>()) << top.dump(1);
  EXPECT_NEAR(top["pu_acceptance_live"].get<double>(), 0.10, 0.03) << top.dump(1);

  // The ceiling: a model trained from scratch on the level's data is well above the frozen one
  // at 10 % smear, so the gap is significant and the recovered fraction is reported; on the
  // undegraded level there is nothing to recover.
  ASSERT_TRUE(s.contains("ceiling")) << s.dump(1);
  EXPECT_FALSE(s["ceiling"]["from_cache"].get<bool>());
  EXPECT_GT(top["ceiling_pv_efficiency"].get<double>(),
            top["pv_efficiency_frozen_retuned"].get<double>() + 0.03)
      << top.dump(1);
  ASSERT_TRUE(top["recovered_fraction"].is_number()) << top.dump(1);
  EXPECT_GT(top["recovered_fraction"].get<double>(), 0.3) << top.dump(1);
  EXPECT_TRUE(levels.front()["recovered_fraction"].is_null()) << levels.front().dump(1);

  // The HT trigger: its threshold is fixed on undegraded minimum bias, the rate sample has
  // events at every level, and the frozen model's trigger loses tt-bar efficiency at 10 % smear
  // while its track HT gets worse.
  const auto& trigger = s["trigger"];
  ASSERT_TRUE(trigger["ht_threshold_gev"].is_number()) << trigger.dump(1);
  EXPECT_GT(trigger["ht_threshold_gev"].get<double>(), 10.0);
  EXPECT_NEAR(trigger["collision_rate_hz"].get<double>(), 40.079e6 * 0.7879, 1e3);
  for (const auto& l : levels) {
    EXPECT_GT(l["minimum_bias_events"].get<uint64_t>(), 150u) << l.dump();
    EXPECT_TRUE(l["trigger_rate_hz_frozen"].is_number()) << l.dump();
    EXPECT_TRUE(l["ht_resolution_frozen"].is_number()) << l.dump();
  }
  EXPECT_NEAR(levels.front()["trigger_rate_hz_frozen"].get<double>(),
              0.04 * trigger["collision_rate_hz"].get<double>(),
              0.03 * trigger["collision_rate_hz"].get<double>());
  EXPECT_LT(top["trigger_efficiency_frozen"].get<double>(),
            levels.front()["trigger_efficiency_frozen"].get<double>())
      << levels.dump(1);
}

// The staircase through the outer-tracker scenarios: every level is named by its scenario, and
// the frozen model is worse under the worst one.
TEST(ChainTest, ATrackerScenarioStaircaseIsReportedByScenario) {
  nlohmann::json s;
  ASSERT_NO_FATAL_FAILURE(
      run_chain("chain-tracker",
                {"degradation.scenarios=[none, bri, bri+10bs]", "degradation.smear_levels=[0]",
                 "degradation.events_per_level=400", "emulator.rate_hz=0"},
                &s));
  const auto& levels = s["levels"];
  ASSERT_EQ(levels.size(), 3u) << s.dump(1);
  EXPECT_EQ(levels[0]["tracker"], "none");
  EXPECT_EQ(levels[1]["tracker"], "bri");
  EXPECT_EQ(levels[2]["tracker"], "bri+10bs");
  for (const auto& l : levels) EXPECT_EQ(l["degradation"].get<double>(), 0.0);
  EXPECT_LT(levels[2]["accuracy_frozen"].get<double>(), levels[0]["accuracy_frozen"].get<double>())
      << levels.dump(1);
}

// Offline labels: only what the trigger accepted is labelled, from reconstruction; the loss
// count follows the accepts, the scores are never calibrated on them, and the drift is in the
// summary.
TEST(ChainTest, OfflineLabelsComeOnlyFromAcceptedEventsAndAreCountedFromTheAccepts) {
  nlohmann::json s;
  ASSERT_NO_FATAL_FAILURE(run_chain("chain-offline",
                                    {"labeller.mode=offline", "labeller.fraction=1",
                                     "degradation.events_per_level=300", "emulator.rate_hz=0"},
                                    &s));
  const auto& lab = s["processes"]["labeller"];
  const auto& inf = s["processes"]["inference"];
  EXPECT_EQ(s["labels"]["mode"], "offline");
  // fraction 1: every accepted event, and only those (the rate sample is 1 % accepted).
  EXPECT_GT(lab["events_labelled"].get<uint64_t>(), 0u);
  EXPECT_LT(lab["events_labelled"].get<uint64_t>(), s["events_joined"].get<uint64_t>() * 3 / 4);
  EXPECT_EQ(s["faults"]["label_rows_expected"], s["faults"]["label_rows_learnt"]) << s["faults"];
  EXPECT_GT(s["labels"]["error_rate"].get<double>(), 0.0) << "reconstructed, not the truth";
  EXPECT_LT(s["labels"]["error_rate"].get<double>(), 0.05);
  EXPECT_FALSE(s["drift"]["labels"]["calibrates"].get<bool>());
  EXPECT_FALSE(s["drift"]["labels"]["calibrated"].get<bool>());
  EXPECT_GT(s["drift"]["labels"]["labelled_events"].get<uint64_t>(), 0u)
      << "the inference node saw the label copies";
  ASSERT_TRUE(s["drift"].contains("alarms"));
  for (const auto& l : s["levels"]) {
    EXPECT_TRUE(l["drift"].contains("z0")) << l.dump();
  }
  EXPECT_EQ(inf["drift"]["events"], inf["events_decided"]);
}

// Any detector can drive the trainer's on_drift policy: here ADWIN's alarms on the inputs (the
// smear staircase moves track multiplicity and pT) are what make it publish.
TEST(ChainTest, AnAdwinAlarmDrivesTheOnDriftPolicy) {
  nlohmann::json s;
  ASSERT_NO_FATAL_FAILURE(
      run_chain("chain-on-drift",
                {"trainer.update_policy=on_drift", "drift.trainer_alarms=[adwin]",
                 "degradation.events_per_level=1500", "emulator.rate_hz=0"},
                &s));
  const auto& trainer = s["processes"]["trainer"];
  uint64_t adwin = 0;
  for (const auto& a : s["drift"]["alarms"]) adwin += a["detector"] == "adwin";
  ASSERT_GT(adwin, 0u) << s["drift"].dump(1);
  EXPECT_EQ(trainer["drift_alarms"].get<uint64_t>(), adwin)
      << "every ADWIN alarm, and no other, reached the trainer";
  EXPECT_GE(trainer["model_versions_published"].get<uint64_t>(), 2u);
  EXPECT_EQ(trainer["update_policy"], "on_drift");
}

TEST(ChainTest, AnUnknownConfigKeyStopsTheLauncherWithAMessageNamingIt) {
  const std::string dir = testing::temp_dir("chain-badkey");
  runtime::ChildProcess chain;
  std::string error;
  ASSERT_TRUE(chain.start({testing::binary("l1t-chain"), "--config", testing::default_config(),
                           "--set", "trainer.learning_rat=0.1"},
                          dir + "/chain.log", &error));
  const auto code = chain.wait_for(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  std::ifstream log(dir + "/chain.log");
  const std::string text((std::istreambuf_iterator<char>(log)), {});
  EXPECT_NE(text.find("trainer.learning_rat"), std::string::npos) << text;
}

}  // namespace
}  // namespace l1t
