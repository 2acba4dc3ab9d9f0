#include "services/chain/summary.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace l1t::chain {

using nlohmann::json;

namespace {

double number(const json& v) { return v.is_null() ? NAN : v.get<double>(); }

void print_trigger(const json& s) {
  const json& t = s["trigger"];
  if (t.is_null() || t["ht_threshold_gev"].is_null()) {
    std::printf(
        "\ntrigger: no HT threshold (needs undegraded minimum-bias events: %llu, at least %.0f "
        "for a %.1f %% accept; physics.hard_scatter_fraction below 1 makes them)\n",
        t.is_null() ? 0ULL : t["reference_minbias_events"].get<unsigned long long>(),
        t.is_null() ? 0.0 : 5 / number(t["target_minbias_accept"]),
        t.is_null() ? 0.0 : 100 * number(t["target_minbias_accept"]));
    return;
  }
  std::printf(
      "\ntrigger: track HT > %.1f GeV of the tracks at the working point, where the frozen model "
      "accepts %.1f %% of %llu undegraded minimum-bias events; rates at %.1f MHz of collisions "
      "(%.3f MHz crossings x %.3f filled)\n\n",
      number(t["ht_threshold_gev"]), 100 * number(t["target_minbias_accept"]),
      t["reference_minbias_events"].get<unsigned long long>(),
      1e-6 * number(t["collision_rate_hz"]), 1e-6 * number(t["bunch_crossing_rate_hz"]),
      number(t["filled_bunch_fraction"]));
  std::printf("%5s %7s %-9s %6s %6s  %8s %8s %7s %7s  %8s %8s  %8s %8s  %15s %15s  %8s %8s\n",
              "level", "smear", "tracker", "ttbar", "minb", "ht_b_frz", "ht_b_liv", "ht_r_frz",
              "ht_r_liv", "mht_r_frz", "mht_r_l", "trg_frz", "trg_live", "rate_kHz_frozen",
              "rate_kHz_live", "trg@r_fz", "trg@r_l");
  for (const auto& l : s["levels"]) {
    std::printf(
        "%5d %6.1f%% %-9s %6llu %6llu  %+8.3f %+8.3f %7.3f %7.3f  %8.1f %8.1f  %8.4f %8.4f  "
        "%7.0f +- %4.0f %7.0f +- %4.0f  %8.4f %8.4f\n",
        l["level"].get<int>(), 100 * l["smear"].get<double>(),
        l["tracker"].get<std::string>().c_str(), l["signal_events"].get<unsigned long long>(),
        l["minimum_bias_events"].get<unsigned long long>(), number(l["ht_bias_frozen"]),
        number(l["ht_bias_live"]), number(l["ht_resolution_frozen"]),
        number(l["ht_resolution_live"]), number(l["mht_resolution_gev_frozen"]),
        number(l["mht_resolution_gev_live"]), number(l["trigger_efficiency_frozen"]),
        number(l["trigger_efficiency_live"]), 1e-3 * number(l["trigger_rate_hz_frozen"]),
        1e-3 * number(l["trigger_rate_hz_frozen_error"]), 1e-3 * number(l["trigger_rate_hz_live"]),
        1e-3 * number(l["trigger_rate_hz_live_error"]),
        number(l.value("trigger_efficiency_at_rate_frozen", json())),
        number(l.value("trigger_efficiency_at_rate_live", json())));
  }
  std::printf(
      "(ttbar, minb: events of the signal and the minimum-bias sample. ht_b, ht_r: mean and RMS "
      "of (HT - HT_true) / HT_true on tt-bar, HT_true from the truly primary tracks; mht_r: RMS "
      "of MHT - MHT_true [GeV]; trg: tt-bar events accepted; rate: minimum-bias events accepted "
      "x collision rate, binomial error; trg@r: tt-bar accepted with the HT threshold re-tuned on "
      "the level for the same minimum-bias share, the models compared at the same rate)\n");
}

std::string recovered(const json& l) {
  if (!l.value("recovered_fraction", json()).is_number()) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f +- %.2f", l["recovered_fraction"].get<double>(),
                number(l.value("recovered_fraction_error", json())));
  return text;
}

void print_ceiling(const json& s) {
  if (!s.contains("ceiling")) return;
  const json& c = s["ceiling"];
  std::printf(
      "\nceiling: per level a model of the same architecture trained from scratch on %d events of "
      "the level, scored on %d others (%s)\n\n",
      c["train_events"].get<int>(), c["test_events"].get<int>(),
      c["from_cache"].get<bool>() ? "from the cache" : "computed now");
  std::printf("%5s %7s %-9s  %10s %8s  %17s  %17s  %12s\n", "level", "smear", "tracker",
              "eff@pu_frz", "eff@pu_l", "ceiling", "ceiling-frozen", "recovered");
  for (const auto& l : s["levels"]) {
    std::printf("%5d %6.1f%% %-9s  %10.4f %8.4f  %8.4f +- %6.4f  %+8.4f +- %6.4f  %12s\n",
                l["level"].get<int>(), 100 * l["smear"].get<double>(),
                l["tracker"].get<std::string>().c_str(), number(l["pv_efficiency_frozen_retuned"]),
                number(l["pv_efficiency_live_retuned"]),
                number(l.value("ceiling_pv_efficiency", json())),
                number(l.value("ceiling_pv_efficiency_error", json())),
                number(l.value("ceiling_gap", json())),
                number(l.value("ceiling_gap_error", json())), recovered(l).c_str());
  }
  std::printf(
      "(eff@pu: PV-track efficiency at the target pile-up acceptance, re-tuned per level; "
      "ceiling: that of a model trained on the level's own data, on its own test collisions; "
      "recovered = (live - frozen) / (ceiling - frozen), shown where ceiling - frozen exceeds "
      "twice its error)\n");
}

}  // namespace

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
      "%llu undegraded events (target %.0f %%); the live model %s\n\n",
      f(wp["threshold"]), 100 * f(wp["pu_acceptance"]),
      wp["reference_events"].get<unsigned long long>(), 100 * f(wp["target_pu_acceptance"]),
      wp.value("live", std::string("held")) == "calibrated"
          ? "at the threshold its weight version carries, set by the trainer for the same "
            "pile-up acceptance on its latest labels"
          : "at the same held threshold");
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
      "PV-track efficiency and pile-up acceptance at the working point (the live model's own "
      "where it is calibrated); eff@pu: the "
      "efficiency at the target pile-up acceptance, the threshold re-tuned on the level; auc: "
      "ROC AUC; acc: accuracy at score 0.5)\n");
  print_ceiling(s);
  print_trigger(s);
  std::fflush(stdout);
}

}  // namespace l1t::chain
