#include "services/chain/summary.h"

#include <cmath>
#include <cstdio>

namespace l1t::chain {

using nlohmann::json;

json level_json(const trigger::LevelScore& l) {
  auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  return {{"level", l.level},
          {"degradation", l.smear},
          {"tracker", l.tracker},
          {"events", l.events},
          {"accuracy_frozen", num(l.frozen.counts.accuracy())},
          {"accuracy_live", num(l.live.counts.accuracy())},
          {"auc_frozen", num(l.frozen.auc.auc())},
          {"auc_live", num(l.live.auc.auc())}};
}

void print_summary(const json& s) {
  std::printf("\n=== l1t-chain summary: %s ===\n", s["scenario"].get<std::string>().c_str());
  std::printf("events generated %llu, decided %llu, dropped %llu\n",
              s["events_generated"].get<unsigned long long>(),
              s["events_decided"].get<unsigned long long>(),
              s["events_dropped"].get<unsigned long long>());
  std::printf("throughput %.0f events/s, decision latency p50 %.3f ms, p99 %.3f ms\n",
              s["throughput_events_per_s"].get<double>(),
              1e3 * s["decision_latency_p50_s"].get<double>(),
              1e3 * s["decision_latency_p99_s"].get<double>());
  std::printf("weight versions published %llu, applied %llu (in decisions: %zu)\n\n",
              s["model_versions_published"].get<unsigned long long>(),
              s["model_versions_applied"].get<unsigned long long>(),
              s["model_versions_in_decisions"].size());
  std::printf("%5s %7s %-9s %7s  %10s %9s  %10s %9s\n", "level", "smear", "tracker", "events",
              "acc_frozen", "acc_live", "auc_frozen", "auc_live");
  for (const auto& l : s["levels"]) {
    auto f = [](const json& v) { return v.is_null() ? NAN : v.get<double>(); };
    std::printf("%5d %6.1f%% %-9s %7llu  %10.4f %9.4f  %10.4f %9.4f\n", l["level"].get<int>(),
                100 * l["degradation"].get<double>(), l["tracker"].get<std::string>().c_str(),
                l["events"].get<unsigned long long>(), f(l["accuracy_frozen"]),
                f(l["accuracy_live"]), f(l["auc_frozen"]), f(l["auc_live"]));
  }
  std::printf("(frozen = the starting model, never retrained; live = continually retrained)\n");
  std::fflush(stdout);
}

}  // namespace l1t::chain
