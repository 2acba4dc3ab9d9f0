// The chain as an operator monitors it: a real Prometheus (the Debian package) scrapes the four
// processes that l1t-chain starts and l1t-chain itself (the monitor), and PromQL sees events flow,
// a model in service and decision latencies. The Grafana dashboard's queries are run against the
// same server, so that every panel uses valid PromQL and metric names the processes really export.
#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/dashboard_queries.h"
#include "tests/support/prometheus_server.h"
#include "tests/support/service_process.h"

namespace l1t {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;
namespace fs = std::filesystem;

// l1t-chain serves the monitor's series itself (monitor.ready.json).
const std::vector<std::string> kJobs{"emulator", "inference", "labeller", "trainer", "monitor"};

// Pids of live processes whose command line mentions `needle` (the test's own work dir, which
// every process of this chain got in its --ready-file argument).
std::vector<pid_t> processes_mentioning(const std::string& needle) {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    const std::string cmdline((std::istreambuf_iterator<char>(in)), {});
    if (cmdline.find(needle) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

// Owns the l1t-chain process: whatever happens in the test, it is stopped and none of the
// processes it started outlives the test.
class Chain {
 public:
  explicit Chain(std::string dir) : dir_(std::move(dir)) {}
  ~Chain() { shutdown(); }

  runtime::ChildProcess& process() { return child_; }

  // SIGTERM (the launcher stops its children in flow order), SIGKILL if it takes too long, then
  // SIGKILL for any child left behind. Returns the pids that had to be killed that way.
  std::vector<pid_t> shutdown() {
    child_.stop(seconds(10));
    std::vector<pid_t> left = processes_mentioning(dir_ + "/");
    for (pid_t pid : left) ::kill(pid, SIGKILL);
    return left;
  }

 private:
  std::string dir_;
  runtime::ChildProcess child_;
};

std::string describe(const std::vector<testing::Sample>& samples) {
  std::ostringstream s;
  for (const auto& x : samples) {
    s << "{";
    for (const auto& [k, v] : x.labels) s << k << "=" << v << ",";
    s << "} " << x.value << "; ";
  }
  return samples.empty() ? "(no series)" : s.str();
}

// The value of the one series of `job`, or nullopt.
std::optional<double> value_of(const std::vector<testing::Sample>& samples,
                               const std::string& job) {
  for (const auto& s : samples) {
    auto it = s.labels.find("job");
    if (it != s.labels.end() && it->second == job) return s.value;
  }
  return std::nullopt;
}

struct Check {
  std::string what;
  std::string promql;
  std::function<bool(const std::vector<testing::Sample>&)> ok;
  std::string last = "(not queried)";
  bool passed = false;
};

TEST(PrometheusTest, ScrapesTheChainAndSeesEventsModelVersionsAndLatencies) {
  const auto t0 = Clock::now();
  ASSERT_TRUE(fs::exists(testing::kPrometheusBinary))
      << testing::kPrometheusBinary
      << " is missing: this test needs a real Prometheus server. Install the Debian package "
         "'prometheus' (./test.sh does: scripts/install-deps.sh --test).";

  const std::string dir = testing::temp_dir("prometheus");
  Chain chain(dir);
  std::string error;
  // 11 levels x 1000 events at 500 Hz: about 22 s of events, long enough to be scraped.
  ASSERT_TRUE(chain.process().start(
      {testing::binary("l1t-chain"), "--config", testing::default_config(), "--ephemeral-ports",
       "--work-dir", dir, "--set", "emulator.rate_hz=500", "--set",
       "degradation.events_per_level=1000", "--set", "ceiling.enabled=false", "--set",
       "inference.trigger_minbias_accept=0.02", "--timeout", "70", "--progress-interval", "5"},
      dir + "/chain.log", &error))
      << error;

  // The metrics port of each process, from its ready file.
  std::vector<testing::PrometheusServer::Target> targets;
  for (const auto& job : kJobs) {
    const std::string path = dir + "/" + job + ".ready.json";
    nlohmann::json ready;
    while (!(fs::exists(path) && runtime::read_json_file(path, &ready))) {
      ASSERT_TRUE(chain.process().running()) << "l1t-chain exited early; logs in " << dir;
      ASSERT_LT(Clock::now() - t0, seconds(40)) << job << " never became ready; logs in " << dir;
      std::this_thread::sleep_for(milliseconds(50));
    }
    const int port = ready.value("metrics_port", 0);
    ASSERT_GT(port, 0) << path << ": " << ready.dump();
    targets.push_back({job, port});
  }

  testing::PrometheusServer prometheus;
  ASSERT_TRUE(
      prometheus.start(dir + "/prometheus", targets, /*scrape_interval_s=*/1, seconds(20), &error))
      << error;

  auto positive = [](const std::string& job) {
    return [job](const std::vector<testing::Sample>& s) { return value_of(s, job) > 0.0; };
  };
  std::vector<Check> checks{
      {"all five targets are up", "up",
       [](const std::vector<testing::Sample>& s) {
         for (const auto& job : kJobs) {
           if (value_of(s, job) != 1.0) return false;
         }
         return s.size() == kJobs.size();
       }},
      {"the emulator generated events", "l1t_events_total{job=\"emulator\"}", positive("emulator")},
      {"the inference node decided events", "l1t_events_total{job=\"inference\"}",
       positive("inference")},
      {"a model is in service", "l1t_model_version{job=\"inference\",model=\"live\"}",
       [](const std::vector<testing::Sample>& s) { return value_of(s, "inference") >= 1.0; }},
      {"decision latencies were observed", "l1t_decision_latency_seconds_count{job=\"inference\"}",
       positive("inference")},
      {"the monitor scored live and frozen models",
       "l1t_monitor_level_accuracy{job=\"monitor\",model=\"frozen\",level=\"0\"}",
       [](const std::vector<testing::Sample>& s) {
         return s.size() == 1 && s[0].value > 0.5 && s[0].value <= 1.0;
       }},
      {"the smear in force is exported", "l1t_degradation_smear{job=\"emulator\"}",
       [](const std::vector<testing::Sample>& s) { return value_of(s, "emulator") >= 0.0; }},
      {"the p99 decision latency is computable",
       "histogram_quantile(0.99, sum by (le) "
       "(rate(l1t_decision_latency_seconds_bucket{job=\"inference\"}[5s])))",
       [](const std::vector<testing::Sample>& s) {
         return s.size() == 1 && std::isfinite(s[0].value) && s[0].value > 0;
       }},
  };
  // Every query of the Grafana dashboards (panels and annotations) and of the alerting rules is
  // valid PromQL here, and every l1t_ metric it names is one the processes export (rejections
  // are created on the first bad message only). The Drift dashboard's panels must also return
  // data: its series are the drift statistics this chain computes.
  const auto queries = testing::shipped_queries(L1T_SOURCE_DIR, "5s", &error);
  ASSERT_TRUE(error.empty()) << error;
  for (const auto& q : queries) {
    if (q.panel && q.drift) {
      checks.push_back({q.where + " has data", q.expr,
                        [](const std::vector<testing::Sample>& s) { return !s.empty(); }});
    }
  }
  const auto checks_deadline = t0 + seconds(60);
  bool all = false;
  while (!all && Clock::now() < checks_deadline) {
    all = true;
    for (auto& c : checks) {
      if (c.passed) continue;
      const auto r = prometheus.query(c.promql, &error);
      c.last = r ? describe(*r) : error;
      c.passed = r && c.ok(*r);
      all = all && c.passed;
    }
    if (!all) std::this_thread::sleep_for(milliseconds(500));
  }
  for (const auto& c : checks) {
    EXPECT_TRUE(c.passed) << c.what << ": " << c.promql << " -> " << c.last << " (logs in " << dir
                          << ")";
  }

  size_t drift_panels = 0;
  for (const auto& q : queries) drift_panels += q.panel && q.drift;
  EXPECT_GE(queries.size(), 40u);
  EXPECT_GE(drift_panels, 20u);
  const auto names = prometheus.label_values("__name__", &error);
  ASSERT_TRUE(names) << error;
  const std::set<std::string> exported(names->begin(), names->end());
  const std::set<std::string> created_lazily{"l1t_messages_rejected_total"};
  const std::regex metric_name("l1t_[a-z_]+");
  for (const auto& q : queries) {
    EXPECT_TRUE(prometheus.query(q.expr, &error)) << q.where << ": " << q.expr << ": " << error;
    for (std::sregex_iterator m(q.expr.begin(), q.expr.end(), metric_name), end; m != end; ++m) {
      const std::string name = m->str();
      EXPECT_TRUE(exported.count(name) || created_lazily.count(name))
          << q.where << " uses " << name << ", which no process exports";
    }
  }

  EXPECT_EQ(prometheus.stop(seconds(10)), 0) << "see " << prometheus.log_path();

  // The scenario ends by itself about 25 s after the start; stop it if it has not by then.
  const auto finish_deadline = t0 + seconds(60);
  while (chain.process().running() && Clock::now() < finish_deadline) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  if (const auto code = chain.process().exit_code()) {
    EXPECT_EQ(*code, 0) << "l1t-chain failed; logs in " << dir;
  }
  const auto left = chain.shutdown();
  EXPECT_TRUE(left.empty()) << left.size() << " l1t processes outlived l1t-chain; logs in " << dir;
  EXPECT_LT(Clock::now() - t0, seconds(90));
}

}  // namespace
}  // namespace l1t
