// The emulator's offline modes, run as the real binary: --describe and --export open no
// socket and print or write what a physicist checks before using a sample.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace {

const std::string kBinary = L1T_BINARY_DIR "/bin/l1t-emulator";
const std::string kConfig = L1T_SOURCE_DIR "/configs/default.yaml";

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

RunResult run_emulator(const std::string& args) {
  RunResult r;
  const std::string cmd = kBinary + " --config " + kConfig + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Endpoints and a metrics address that cannot be bound on this host (TEST-NET-1): if the
// offline mode opened any socket or the metrics port, it would fail.
const std::string kUnbindable =
    " --set metrics.bind_address=192.0.2.1 --set endpoints.events=tcp://192.0.2.1:5550"
    " --set endpoints.truth=tcp://192.0.2.1:5551";

TEST(EmulatorDescribeTest, JsonHasEveryKeyInPlausibleRanges) {
  const RunResult r = run_emulator("--describe --events 50 --json" + kUnbindable +
                                   " --set physics.hard_scatter_fraction=1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << "stdout is not JSON alone:\n" << r.out;

  EXPECT_EQ(j["events"], 50);
  EXPECT_EQ(j["level"], 0);
  EXPECT_EQ(j["smear"], 0.0);
  const double tracks = j["tracks_per_event_mean"];
  EXPECT_GE(tracks, 150);
  EXPECT_LE(tracks, 450);
  EXPECT_GT(j["tracks_per_event_rms"].get<double>(), 0);
  const double pv_fraction = j["pv_track_fraction"];
  EXPECT_GE(pv_fraction, 0.05);
  EXPECT_LE(pv_fraction, 0.25);
  EXPECT_NEAR(j["pv_tracks_per_event_mean"].get<double>(), pv_fraction * tracks, 1e-6 * tracks);
  EXPECT_GT(j["fake_fraction"].get<double>(), 0.0);
  EXPECT_LT(j["fake_fraction"].get<double>(), 0.05);

  ASSERT_EQ(j["efficiency_vs_pt"].size(), 6u);
  EXPECT_EQ(j["efficiency_vs_pt"][0]["pt_lo"], 2.0);
  EXPECT_EQ(j["efficiency_vs_pt"][5]["pt_hi"], 100.0);
  for (const auto& b : j["efficiency_vs_pt"]) {
    const double e = b["efficiency"];
    EXPECT_GE(e, 0.0);
    EXPECT_LE(e, 1.0);
    if (b["generated"].get<int>() > 50) {
      EXPECT_GT(e, 0.9) << b.dump();
    }
  }
  ASSERT_EQ(j["z0_resolution_vs_eta"].size(), 4u);
  double previous = 0;
  for (const auto& b : j["z0_resolution_vs_eta"]) {
    const double rms = b["rms_cm"];
    EXPECT_GT(rms, 0.1) << b.dump();
    EXPECT_LT(rms, 1.0) << b.dump();
    EXPECT_GT(rms, previous) << "resolution worsens with |eta|";
    previous = rms;
  }
  const double fh_eff = j["fasthisto_efficiency"];
  EXPECT_GT(fh_eff, 0.7);
  EXPECT_LE(fh_eff, 1.0);
  const double fh_res = j["fasthisto_resolution_cm"];
  EXPECT_GT(fh_res, 0.0);
  EXPECT_LT(fh_res, 0.5);
}

TEST(EmulatorDescribeTest, TableByDefaultAndLevelsFromTheSchedule) {
  const RunResult table = run_emulator("--describe --events 5 --level 10" + kUnbindable);
  ASSERT_EQ(table.exit_code, 0) << table.out;
  EXPECT_NE(table.out.find("level 10 (smear 0.100)"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("tracking efficiency"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("FastHisto"), std::string::npos) << table.out;

  const RunResult beyond = run_emulator("--describe --events 5 --level 11");
  EXPECT_EQ(beyond.exit_code, 2) << beyond.out;
  EXPECT_NE(beyond.out.find("level"), std::string::npos) << beyond.out;
}

TEST(EmulatorDescribeTest, ExportWritesEveryLevel) {
  std::string tmpl = "/tmp/l1t-test-export-XXXXXX";
  const std::string dir = mkdtemp(tmpl.data());
  const RunResult r = run_emulator("--export " + dir + "/out --events 2" + kUnbindable);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* base :
       {"level_00_smear_0.000", "level_05_smear_0.050", "level_10_smear_0.100"}) {
    for (const char* ext : {".csv", ".npy", ".json"}) {
      EXPECT_TRUE(std::filesystem::exists(dir + "/out/" + base + ext)) << base << ext;
    }
  }
  EXPECT_TRUE(std::filesystem::exists(dir + "/out/manifest.json"));
  std::filesystem::remove_all(dir);
}

// The signal sample (every event tt-bar) unless args say otherwise: the default scenario's
// minimum-bias half (the trigger's rate sample) would dilute every tt-bar figure checked here.
nlohmann::json describe_json(const std::string& args) {
  const RunResult r = run_emulator("--describe --events 40 --json" + kUnbindable +
                                   " --set physics.hard_scatter_fraction=1 " + args);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

TEST(EmulatorDescribeTest, DescribesATrackerScenarioSetOnTheCommandLine) {
  const nlohmann::json none = describe_json("");
  const nlohmann::json worst = describe_json("--set degradation.scenario=bri+10bs");
  ASSERT_FALSE(none.is_discarded());
  ASSERT_FALSE(worst.is_discarded());
  EXPECT_EQ(none["tracker_scenario"], "none");
  EXPECT_EQ(worst["tracker_scenario"], "bri+10bs");
  EXPECT_EQ(worst["tracker_degradation"], "bias_rail=1 bad_strips=0.1");
  // Bias rails lose ~2.5 % of the PS pixel hits and their stubs, shown per layer.
  EXPECT_GT(worst["ps_pixel_hits_rail_lost_fraction"].get<double>(), 0.02);
  EXPECT_LT(worst["ps_pixel_hits_rail_lost_fraction"].get<double>(), 0.03);
  EXPECT_EQ(none["ps_pixel_hits_rail_lost_fraction"].get<double>(), 0);
  ASSERT_EQ(worst["stubs_per_layer"].size(), 6u);
  EXPECT_GT(worst["stubs_per_layer"][0]["rail_lost"].get<uint64_t>(), 0u);
  EXPECT_EQ(worst["stubs_per_layer"][3]["rail_lost"].get<uint64_t>(), 0u);
  // The same collisions: bad strips lose soft tracks, lost PS stubs widen z0.
  const double eff_none = none["efficiency_vs_pt"][0]["efficiency"];
  const double eff_worst = worst["efficiency_vs_pt"][0]["efficiency"];
  EXPECT_GT(eff_none, 0.9);  // 5 % of the hadrons interact in the material
  EXPECT_LT(eff_worst, eff_none - 0.05);
  EXPECT_LT(worst["stubs_per_track_mean"].get<double>(),
            none["stubs_per_track_mean"].get<double>() - 0.5);
  EXPECT_GT(worst["ps_z_incomplete_fraction"].get<double>(),
            none["ps_z_incomplete_fraction"].get<double>() + 0.1);
  EXPECT_GT(worst["z0_resolution_vs_eta"][0]["rms_cm"].get<double>(),
            none["z0_resolution_vs_eta"][0]["rms_cm"].get<double>());

  const nlohmann::json shifted =
      describe_json("--set degradation.z0_shift_cm=0.5 --set degradation.dead_region.eta=[0,1]");
  ASSERT_FALSE(shifted.is_discarded());
  EXPECT_EQ(shifted["tracker_scenario"], "");
  EXPECT_NEAR(shifted["z0_resolution_vs_eta"][0]["mean_cm"].get<double>(), 0.5, 0.05);
}

TEST(EmulatorDescribeTest, ShowsTheSmearModeAndWidths) {
  const nlohmann::json step10 = describe_json("--level 10");
  ASSERT_FALSE(step10.is_discarded());
  EXPECT_EQ(step10["smear"], 0.1);
  EXPECT_EQ(step10["smear_mode"], "additive");
  // configs/default.yaml's widths per step, and ten of them in force at level 10.
  EXPECT_EQ(step10["smear_widths"]["pt"], 0.0312);
  EXPECT_EQ(step10["smear_widths"]["eta"], 0.0136);
  EXPECT_EQ(step10["smear_widths"]["phi"], 0.0181);
  EXPECT_EQ(step10["smear_widths"]["z0"], 0.0443);
  EXPECT_EQ(step10["smear_widths"]["d0"], 0.000734);
  EXPECT_NEAR(step10["smear_step"].get<double>(), 10, 1e-9);
  EXPECT_NEAR(step10["smear_sigma"]["z0"].get<double>(), 0.443, 1e-9);

  const nlohmann::json relative = describe_json("--level 10 --set degradation.smear_mode=relative");
  ASSERT_FALSE(relative.is_discarded());
  EXPECT_EQ(relative["smear_mode"], "relative");
  EXPECT_FALSE(relative.contains("smear_sigma"));
  // The relative smear keeps every track; the additive one loses soft tracks below 2 GeV.
  const nlohmann::json clean = describe_json("");
  EXPECT_EQ(relative["tracks_per_event_mean"], clean["tracks_per_event_mean"]);
  EXPECT_LT(step10["tracks_per_event_mean"].get<double>(),
            0.95 * clean["tracks_per_event_mean"].get<double>());

  const RunResult table = run_emulator(
      "--describe --events 5 --level 3 --set degradation.smear_widths.z0=0.05" + kUnbindable);
  ASSERT_EQ(table.exit_code, 0) << table.out;
  EXPECT_NE(table.out.find("smear additive, step 3: sigma pT 0.0936 GeV"), std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("z0 0.15 cm"), std::string::npos) << table.out;

  const RunResult bad =
      run_emulator("--describe --events 5 --set degradation.smear_mode=gauss" + kUnbindable);
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("'degradation.smear_mode'"), std::string::npos) << bad.out;
}

TEST(EmulatorDescribeTest, ScenarioStaircaseLevels) {
  const std::string staircase =
      " --set 'degradation.scenarios=[none, bri, bri+1bs, bri+5bs, bri+10bs]'"
      " --set 'degradation.smear_levels=[0]'";
  const nlohmann::json level3 = describe_json("--level 3" + staircase);
  ASSERT_FALSE(level3.is_discarded());
  EXPECT_EQ(level3["level"], 3);
  EXPECT_EQ(level3["tracker_scenario"], "bri+5bs");
  const RunResult beyond = run_emulator("--describe --events 5 --level 5" + staircase);
  EXPECT_EQ(beyond.exit_code, 2) << beyond.out;
}

TEST(EmulatorDescribeTest, BadDegradationKeysStopWithTheKeyNamed) {
  for (const auto& [args, key] :
       {std::pair<std::string, std::string>{"--set degradation.scenario=bri+7bs",
                                            "degradation.scenario"},
        {"--set degradation.bad_strips=1.5", "degradation.bad_strips"},
        {"--set degradation.dead_region.phi=[1,0]", "degradation.dead_region.phi"},
        {"--set degradation.tracker=bri", "degradation.tracker"}}) {
    const RunResult r = run_emulator("--describe --events 5 " + args + kUnbindable);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
    EXPECT_NE(r.out.find("'" + key + "'"), std::string::npos) << args << "\n" << r.out;
  }
}

TEST(EmulatorDescribeTest, ShowsTheTrackQualityPerOriginAndTheMaterialLosses) {
  const nlohmann::json none = describe_json("");
  const nlohmann::json lost_z = describe_json("--set degradation.ps_z_loss=0.3");
  ASSERT_FALSE(none.is_discarded());
  ASSERT_FALSE(lost_z.is_discarded());
  ASSERT_TRUE(none["quality"].is_object());
  double total = 0;
  for (const char* origin : {"primary", "pileup", "fake"}) {
    const nlohmann::json& q = none["quality"][origin];
    ASSERT_TRUE(q.is_object()) << origin;
    ASSERT_EQ(q["mva_histogram"].size(), 8u) << origin;
    uint64_t sum = 0;
    for (const auto& h : q["mva_histogram"]) sum += h.get<uint64_t>();
    EXPECT_EQ(sum, q["tracks"].get<uint64_t>()) << origin;
    EXPECT_GT(q["tracks"].get<uint64_t>(), 0u) << origin;
    total += q["tracks"].get<double>();
  }
  EXPECT_NEAR(total / 40, none["tracks_per_event_mean"].get<double>(), 1e-6);
  const nlohmann::json &pu = none["quality"]["pileup"], &fake = none["quality"]["fake"];
  EXPECT_GT(fake["chi2_rphi_mean"].get<double>(), 3 * pu["chi2_rphi_mean"].get<double>());
  EXPECT_GT(fake["chi2_rz_mean"].get<double>(), 3 * pu["chi2_rz_mean"].get<double>());
  EXPECT_GT(fake["bend_chi2_mean"].get<double>(), pu["bend_chi2_mean"].get<double>());
  EXPECT_LT(fake["mva_mean"].get<double>(), pu["mva_mean"].get<double>() - 2);
  // PS modules without z: the r-z fits get worse, the r-phi ones do not.
  EXPECT_GT(lost_z["quality"]["pileup"]["chi2_rz_mean"].get<double>(),
            1.05 * pu["chi2_rz_mean"].get<double>());
  EXPECT_NEAR(lost_z["quality"]["pileup"]["chi2_rphi_mean"].get<double>(),
              pu["chi2_rphi_mean"].get<double>(), 0.02);
  // 5 % of the charged hadrons interact in the material (physics.material_interaction_prob).
  EXPECT_GT(none["material_hadrons"].get<uint64_t>(), 5000u);
  EXPECT_NEAR(none["material_lost_fraction"].get<double>(), 0.05, 0.01);
  const nlohmann::json more = describe_json("--set physics.material_interaction_prob=0.2");
  EXPECT_NEAR(more["material_lost_fraction"].get<double>(), 0.2, 0.02);
  EXPECT_LT(more["efficiency_overall"].get<double>(),
            none["efficiency_overall"].get<double>() - 0.1);

  const RunResult table = run_emulator("--describe --events 5" + kUnbindable);
  ASSERT_EQ(table.exit_code, 0) << table.out;
  EXPECT_NE(table.out.find("track quality"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("nuclear interactions"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("fake "), std::string::npos) << table.out;
}

TEST(EmulatorDescribeTest, PhysicsKeysFromTheCommandLine) {
  // Minimum bias only: the primary vertex is one more pile-up-like interaction (~1.2 tracks
  // above 2 GeV) instead of a tt-bar one (~28).
  const nlohmann::json ttbar = describe_json("");
  const nlohmann::json minbias = describe_json("--set physics.hard_scatter_fraction=0");
  ASSERT_FALSE(ttbar.is_discarded());
  ASSERT_FALSE(minbias.is_discarded());
  const double pv_ttbar = ttbar["pv_tracks_per_event_mean"];
  const double pv_minbias = minbias["pv_tracks_per_event_mean"];
  EXPECT_GT(pv_ttbar, 15);
  EXPECT_LT(pv_minbias, 0.2 * pv_ttbar);

  const RunResult bad =
      run_emulator("--describe --events 5 --set physics.tsallis_n=1" + kUnbindable);
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("'physics.tsallis_n'"), std::string::npos) << bad.out;
}

}  // namespace
