// l1t-experiment as a user runs it: the real binary, --quick, each suite; the JSON parsed back,
// its structure and the facts a physicist would check, and every SVG parsed as XML.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace {

const std::string kBinary = L1T_BINARY_DIR "/bin/l1t-experiment";

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

RunResult run(const std::string& cmd) {
  RunResult r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string temp_dir(const std::string& tag) {
  std::string tmpl = "/tmp/l1t-test-experiment-" + tag + "-XXXXXX";
  return mkdtemp(tmpl.data());
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path);
  return nlohmann::json::parse(f, nullptr, false);
}

// The series names of an SVG plot, via Python's XML parser (fails the test if not well-formed).
std::vector<std::string> svg_series(const std::string& path) {
  const RunResult r =
      run("/usr/bin/python3 -c \"import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); "
          "[print(g.getAttribute('data-name')) for g in d.getElementsByTagName('g') "
          "if g.getAttribute('class') == 'series']\" " +
          path);
  EXPECT_EQ(r.exit_code, 0) << path << ": " << r.out;
  std::vector<std::string> names;
  std::stringstream in(r.out);
  for (std::string line; std::getline(in, line);) names.push_back(line);
  return names;
}

TEST(ExperimentToolTest, SpeedSuiteCoversEveryBatchAlgorithmAndThreadCount) {
  const std::string dir = temp_dir("speed");
  const RunResult r = run(kBinary + " --suite speed --quick --threads 2 --json " + dir + "/s.json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = read_json(dir + "/s.json");
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["suite"], "speed");
  std::set<std::tuple<std::string, int, int>> seen;
  for (const auto& row : j["rows"]) {
    seen.insert(
        {row["algorithm"].get<std::string>(), row["batch"].get<int>(), row["threads"].get<int>()});
    EXPECT_GT(row["samples_per_s"].get<double>(), 0.0) << row.dump();
  }
  for (const std::string a : {"sgd", "adam", "am-adam"}) {
    for (int b : {1, 10, 50, 100, 200, 500, 1000}) {
      for (int t : {1, 2}) EXPECT_TRUE(seen.count({a, b, t})) << a << " " << b << " " << t;
    }
  }
  EXPECT_EQ(seen.size(), j["rows"].size());
  // The table on stdout, the plot beside the JSON.
  EXPECT_NE(r.out.find("samples/s"), std::string::npos);
  const auto series = svg_series(dir + "/speed.svg");
  EXPECT_EQ(series.size(), 6u);
  EXPECT_NE(std::find(series.begin(), series.end(), "am-adam, 1 thread"), series.end());
  std::filesystem::remove_all(dir);
}

TEST(ExperimentToolTest, ConvergenceSuiteGivesLossCurvesForEachAlgorithm) {
  const std::string dir = temp_dir("convergence");
  const RunResult r = run(kBinary + " --suite convergence --quick --json " + dir +
                          "/c.json --plot-dir " + dir + "/plots");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = read_json(dir + "/c.json");
  ASSERT_FALSE(j.is_discarded());
  for (const std::string a : {"sgd", "adam", "am-adam"}) {
    const auto& c = j["algorithms"][a];
    ASSERT_EQ(c["train_loss"].size(), 3u) << a;
    EXPECT_LT(c["train_loss"][2].get<double>(), c["train_loss"][0].get<double>()) << a;
    EXPECT_LT(c["test_loss"][2].get<double>(), c["initial_test_loss"].get<double>()) << a;
    EXPECT_GT(c["final_test_accuracy"].get<double>(), 0.9) << a;
  }
  EXPECT_EQ(svg_series(dir + "/plots/convergence_loss.svg").size(), 6u);  // train + test each
  EXPECT_EQ(svg_series(dir + "/plots/convergence_accuracy.svg").size(), 3u);
  std::filesystem::remove_all(dir);
}

TEST(ExperimentToolTest, ClSuiteReportsAvalancheMetricsForEveryStrategyAndAlgorithm) {
  const std::string dir = temp_dir("cl");
  const RunResult r = run(kBinary + " --suite cl --quick --threads 2 --json " + dir + "/cl.json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = read_json(dir + "/cl.json");
  ASSERT_FALSE(j.is_discarded());
  const size_t t = j["experiences"].size();
  ASSERT_EQ(t, 11u);
  EXPECT_EQ(j["experiences"][10]["smear"], 0.1);
  const std::vector<std::string> strategies = {"none", "naive", "replay", "ewc", "lwf", "joint"};
  for (const auto& s : strategies) {
    for (const std::string a : {"sgd", "adam", "am-adam"}) {
      const auto& run = j["strategies"][s][a];
      ASSERT_TRUE(run.is_object()) << s << " " << a;
      ASSERT_EQ(run["acc_matrix"].size(), t);
      for (const auto& row : run["acc_matrix"]) {
        ASSERT_EQ(row.size(), t);
        for (const auto& v : row) {
          EXPECT_GE(v.get<double>(), 0.0);
          EXPECT_LE(v.get<double>(), 1.0);
        }
      }
      for (const char* key : {"stream_accuracy", "forgetting", "bwt", "fwt"}) {
        EXPECT_TRUE(run[key].is_number()) << s << " " << a << " " << key;
      }
      EXPECT_GT(run["stream_accuracy"].get<double>(), 0.5);
    }
  }
  // The frozen model loses accuracy as the smear rises.
  const auto& none = j["strategies"]["none"]["adam"]["acc_matrix"];
  EXPECT_LT(none[10][10].get<double>(), none[0][0].get<double>() - 0.01);
  EXPECT_EQ(j["strategies"]["none"]["sgd"]["forgetting"], 0.0);
  for (const std::string a : {"sgd", "adam", "am-adam"}) {
    const auto series = svg_series(dir + "/cl_" + a + "_accuracy.svg");
    EXPECT_EQ(series, strategies) << a;
    EXPECT_EQ(svg_series(dir + "/cl_" + a + "_final.svg").size(), 6u) << a;
  }
  std::filesystem::remove_all(dir);
}

// The README's degradation table at a smaller size: the model trained on undegraded data loses
// accuracy at every step of both scenario families. The test sets are the same collisions in
// every experience, so each step is the detector's change and not sampling noise; the seed is
// fixed, so this is a regression check on the physics, not a statistical one.
TEST(ExperimentToolTest, FrozenModelLosesAccuracyAtEveryDegradationStep) {
  const std::string dir = temp_dir("none");
  const RunResult r = run(kBinary +
                          " --suite cl --strategies none --algorithms adam --experiences "
                          "smear,tracker --test-events 300 --events-per-experience 20 "
                          "--pretrain-events 600 --seed 1 --json " +
                          dir + "/none.json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = read_json(dir + "/none.json");
  ASSERT_FALSE(j.is_discarded());
  ASSERT_EQ(j["experiences"].size(), 16u);
  const auto& acc = j["strategies"]["none"]["adam"]["acc_matrix"];
  auto diagonal = [&](size_t i) { return acc[i][i].get<double>(); };
  for (size_t i = 1; i < 11; ++i) {
    EXPECT_LT(diagonal(i), diagonal(i - 1)) << j["experiences"][i]["name"];
  }
  // The tracker group starts from the same undegraded collisions as smear 0.
  EXPECT_EQ(diagonal(11), diagonal(0));
  for (size_t i = 12; i < 16; ++i) {
    EXPECT_LT(diagonal(i), diagonal(i - 1)) << j["experiences"][i]["name"];
  }
  std::filesystem::remove_all(dir);
}

TEST(ExperimentToolTest, ExportedDataLoadInNumPy) {
  const std::string dir = temp_dir("export");
  const RunResult r = run(kBinary + " --quick --export-data " + dir + "/data");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const RunResult py =
      run("/usr/bin/python3 -c \"import numpy as np, json, sys; d = sys.argv[1]; "
          "x = np.load(d + '/train_x.npy'); y = np.load(d + '/train_y.npy'); "
          "w = np.load(d + '/layer1_w.npy'); m = json.load(open(d + '/manifest.json')); "
          "print(x.shape[1], y.shape[1], x.shape[0] == y.shape[0] == m['train_rows'], w.shape, "
          "set(np.unique(y)) <= {0.0, 1.0})\" " +
          dir + "/data");
  ASSERT_EQ(py.exit_code, 0) << py.out;
  EXPECT_EQ(py.out, "5 1 True (25, 30) True\n");
  std::filesystem::remove_all(dir);
}

// --config/--set give the generated data a scenario's physics: a quarter of the pile-up gives
// about a third of the tracks (pile-up is ~88 % of them at 200), the same keys as default.yaml
// give the same rows, and a bad key stops the program naming it.
TEST(ExperimentToolTest, TheDataFollowTheScenariosPhysics) {
  const std::string dir = temp_dir("physics");
  auto train_rows = [&](const std::string& args, const std::string& sub) {
    const RunResult r = run(kBinary + " --quick --export-data " + dir + "/" + sub + " " + args);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return read_json(dir + "/" + sub + "/manifest.json")["train_rows"].get<double>();
  };
  const double built_in = train_rows("", "a");
  const double from_default =
      train_rows("--config " + std::string(L1T_SOURCE_DIR) + "/configs/default.yaml", "b");
  const double quarter_pileup = train_rows("--set emulator.pileup_mean=50", "c");
  EXPECT_EQ(from_default, built_in);
  EXPECT_GT(quarter_pileup, 0.2 * built_in);
  EXPECT_LT(quarter_pileup, 0.45 * built_in);
  const RunResult bad = run(kBinary + " --suite cl --quick --set physics.tsallis_n=1");
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("physics.tsallis_n"), std::string::npos) << bad.out;
  std::filesystem::remove_all(dir);
}

TEST(ExperimentToolTest, BadInputIsNamedAndExitsNonZero) {
  RunResult r = run(kBinary + " --suite cl --quick --algorithms sgd,bogus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("'bogus'"), std::string::npos) << r.out;
  r = run(kBinary + " --suite cl --quick --strategies replay,hope");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("'hope'"), std::string::npos) << r.out;
  r = run(kBinary + " --suite speed --quick --lr adam=fast");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("adam=fast"), std::string::npos) << r.out;
  r = run(kBinary + " --suite speed --quick --batches 10,x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("'x'"), std::string::npos) << r.out;
  r = run(kBinary + " --suite sideways");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("sideways"), std::string::npos) << r.out;
  r = run(kBinary);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--suite"), std::string::npos) << r.out;
  r = run(kBinary +
          " --suite cl --quick --json /proc/no-such-dir/cl.json --strategies none "
          "--algorithms adam");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("/proc/no-such-dir/cl.json"), std::string::npos) << r.out;
}

}  // namespace
