#include "services/chain/summary.h"

#include <cmath>
#include <cstdio>

namespace l1t::chain {

using nlohmann::json;

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
  const json& wp = s["working_point"];
  auto f = [](const json& v) { return v.is_null() ? NAN : v.get<double>(); };
  std::printf(
      "working point: score >= %.4f, where the frozen model keeps %.1f %% of pile-up tracks on "
      "%llu undegraded events (target %.0f %%)\n\n",
      f(wp["threshold"]), 100 * f(wp["pu_acceptance"]),
      wp["reference_events"].get<unsigned long long>(), 100 * f(wp["target_pu_acceptance"]));
  std::printf("%5s %7s %-9s %7s %7s %6s  %10s %8s  %9s %7s  %10s %8s  %10s %8s  %10s %8s\n",
              "level", "smear", "tracker", "events", "vtx_eff", "vtx_cm", "eff_frozen", "eff_live",
              "pu_frozen", "pu_live", "eff@pu_frz", "eff@pu_l", "auc_frozen", "auc_live",
              "acc_frozen", "acc_live");
  for (const auto& l : s["levels"]) {
    std::printf(
        "%5d %6.1f%% %-9s %7llu %7.4f %6.3f  %10.4f %8.4f  %9.4f %7.4f  %10.4f %8.4f  %10.4f %8.4f "
        " %10.4f "
        "%8.4f\n",
        l["level"].get<int>(), 100 * l["smear"].get<double>(),
        l["tracker"].get<std::string>().c_str(), l["events"].get<unsigned long long>(),
        f(l["vertex_efficiency"]), f(l["vertex_resolution_cm"]), f(l["pv_efficiency_frozen"]),
        f(l["pv_efficiency_live"]), f(l["pu_acceptance_frozen"]), f(l["pu_acceptance_live"]),
        f(l["pv_efficiency_frozen_retuned"]), f(l["pv_efficiency_live_retuned"]),
        f(l["auc_frozen"]), f(l["auc_live"]), f(l["accuracy_frozen"]), f(l["accuracy_live"]));
  }
  std::printf(
      "(vtx: FastHisto within 0.5 cm of the true primary vertex, and the RMS of those residuals. "
      "frozen = the starting model, never retrained; live = continually retrained. eff, pu: "
      "PV-track efficiency and pile-up acceptance at the working point's threshold; eff@pu: the "
      "efficiency at the target pile-up acceptance, the threshold re-tuned on the level; auc: "
      "ROC AUC; acc: accuracy at score 0.5)\n");
  std::fflush(stdout);
}

}  // namespace l1t::chain
