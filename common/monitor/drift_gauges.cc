#include "common/monitor/drift_gauges.h"

#include <string>

namespace l1t::monitor {
namespace {

constexpr char kLevelAccuracy[] = "l1t_monitor_level_accuracy";
constexpr char kLevelAuc[] = "l1t_monitor_level_auc";
constexpr char kLevelEfficiency[] = "l1t_monitor_level_pv_efficiency";
constexpr char kLevelPileup[] = "l1t_monitor_level_pu_acceptance";
constexpr char kEfficiencyHelp[] = "PV-track efficiency per degradation level at the working point";
constexpr char kTriggerEff[] = "l1t_monitor_level_trigger_efficiency";
constexpr char kTriggerEffHelp[] =
    "HT trigger efficiency on the signal sample per level, at the working point";
constexpr char kTriggerAtRate[] = "l1t_monitor_level_trigger_efficiency_at_rate";
constexpr char kTriggerAtRateHelp[] =
    "HT trigger efficiency on the signal sample per level, HT threshold re-tuned on the level for "
    "the target minimum-bias share";
constexpr char kTriggerRate[] = "l1t_monitor_level_trigger_rate_hertz";
constexpr char kTriggerRateHelp[] =
    "HT trigger rate on minimum bias per level, at the working point";
constexpr char kHtRes[] = "l1t_monitor_level_ht_resolution_ratio";
constexpr char kHtResHelp[] =
    "RMS of (track HT - true primary track HT) / true, signal sample, per level";
constexpr char kPileupHelp[] =
    "Pile-up track acceptance per degradation level at the working point";

// Counters only go up: add what the monitor counted since the last update.
void advance(prometheus::Counter& c, uint64_t now, uint64_t* seen) {
  if (now > *seen) c.Increment(static_cast<double>(now - *seen));
  *seen = now;
}

}  // namespace

DriftGauges::DriftGauges(metrics::Metrics& m)
    : metrics_(m),
      joined_(m.counter("l1t_monitor_events_joined_total",
                        "Events whose decision and truth were joined and scored")),
      unmatched_(m.counter("l1t_monitor_unmatched_events_total",
                           "Decisions or truths given up waiting for their other half")),
      mismatched_(m.counter("l1t_monitor_mismatched_events_total",
                            "Events whose decision and truth disagree on the track count")),
      acc_live_(m.gauge("l1t_monitor_accuracy", "Track accuracy over the last 200 events",
                        {{"model", "live"}})),
      acc_frozen_(m.gauge("l1t_monitor_accuracy", "Track accuracy over the last 200 events",
                          {{"model", "frozen"}})),
      level_(m.gauge("l1t_monitor_degradation_level", "Degradation level of the latest event")),
      smear_(m.gauge("l1t_monitor_degradation_smear", "Smear of the latest event")),
      version_(m.gauge("l1t_monitor_model_version", "Latest weight version seen deciding")),
      missing_(m.gauge("l1t_monitor_events_missing_around_swaps",
                       "Events missing next to a weight-version change")),
      working_point_(m.gauge("l1t_monitor_working_point_threshold",
                             "Score threshold where the frozen model keeps the target share of "
                             "pile-up tracks on undegraded events")),
      ht_threshold_(m.gauge("l1t_monitor_trigger_ht_threshold_gev",
                            "Track-HT threshold where the frozen model accepts the target share "
                            "of undegraded minimum-bias events")) {}

void DriftGauges::update(const trigger::DecisionMonitor& m) {
  advance(joined_, m.joined(), &joined_seen_);
  advance(unmatched_, m.unmatched(), &unmatched_seen_);
  advance(mismatched_, m.mismatched(), &mismatched_seen_);
  if (m.joined() > 0) {
    const auto [live, frozen] = m.rolling_accuracy();
    acc_live_.Set(live);
    acc_frozen_.Set(frozen);
  }
  if (const auto& cur = m.current_level()) {
    level_.Set(cur->level);
    smear_.Set(cur->smear);
  }
  version_.Set(static_cast<double>(m.latest_version()));
  for (const auto& [name, node] : m.nodes()) {
    auto it = nodes_.find(name);
    if (it == nodes_.end()) {
      const prometheus::Labels labels{{"node", name}};
      NodeSeries s;
      s.decisions = &metrics_.counter("l1t_monitor_node_decisions_total",
                                      "Decisions received from each inference node", labels);
      s.version = &metrics_.gauge("l1t_monitor_node_model_version",
                                  "Live weight version of each node's latest decision", labels);
      s.alarms = &metrics_.gauge("l1t_monitor_node_drift_alarms",
                                 "Label-free drift alarms each node has raised", labels);
      it = nodes_.emplace(name, s).first;
    }
    advance(*it->second.decisions, node.decisions, &it->second.decisions_seen);
    it->second.version->Set(static_cast<double>(node.model_version));
    it->second.alarms->Set(static_cast<double>(node.drift_alarms));
  }
  missing_.Set(static_cast<double>(m.events_missing_around_swaps()));
  for (const auto& [level, score] : m.levels()) {
    auto it = levels_.find(level);
    if (it == levels_.end()) {
      const std::string l = std::to_string(level);
      LevelSeries s;
      s.acc_live = &metrics_.gauge(kLevelAccuracy, "Track accuracy per degradation level",
                                   {{"model", "live"}, {"level", l}});
      s.acc_frozen = &metrics_.gauge(kLevelAccuracy, "Track accuracy per degradation level",
                                     {{"model", "frozen"}, {"level", l}});
      s.auc_live = &metrics_.gauge(kLevelAuc, "ROC AUC per degradation level",
                                   {{"model", "live"}, {"level", l}});
      s.auc_frozen = &metrics_.gauge(kLevelAuc, "ROC AUC per degradation level",
                                     {{"model", "frozen"}, {"level", l}});
      s.events =
          &metrics_.gauge("l1t_monitor_level_events", "Events scored per level", {{"level", l}});
      s.smear = &metrics_.gauge("l1t_monitor_level_smear", "Smear of the level", {{"level", l}});
      s.eff_live =
          &metrics_.gauge(kLevelEfficiency, kEfficiencyHelp, {{"model", "live"}, {"level", l}});
      s.eff_frozen =
          &metrics_.gauge(kLevelEfficiency, kEfficiencyHelp, {{"model", "frozen"}, {"level", l}});
      s.pu_live = &metrics_.gauge(kLevelPileup, kPileupHelp, {{"model", "live"}, {"level", l}});
      s.vertex_eff = &metrics_.gauge("l1t_monitor_level_vertex_efficiency",
                                     "FastHisto vertices within 0.5 cm of the truth, per level",
                                     {{"level", l}});
      s.pu_frozen = &metrics_.gauge(kLevelPileup, kPileupHelp, {{"model", "frozen"}, {"level", l}});
      s.trig_live =
          &metrics_.gauge(kTriggerEff, kTriggerEffHelp, {{"model", "live"}, {"level", l}});
      s.trig_frozen =
          &metrics_.gauge(kTriggerEff, kTriggerEffHelp, {{"model", "frozen"}, {"level", l}});
      s.rate_live =
          &metrics_.gauge(kTriggerRate, kTriggerRateHelp, {{"model", "live"}, {"level", l}});
      s.rate_frozen =
          &metrics_.gauge(kTriggerRate, kTriggerRateHelp, {{"model", "frozen"}, {"level", l}});
      s.at_rate_live =
          &metrics_.gauge(kTriggerAtRate, kTriggerAtRateHelp, {{"model", "live"}, {"level", l}});
      s.at_rate_frozen =
          &metrics_.gauge(kTriggerAtRate, kTriggerAtRateHelp, {{"model", "frozen"}, {"level", l}});
      s.ht_res_live = &metrics_.gauge(kHtRes, kHtResHelp, {{"model", "live"}, {"level", l}});
      s.ht_res_frozen = &metrics_.gauge(kHtRes, kHtResHelp, {{"model", "frozen"}, {"level", l}});
      it = levels_.emplace(level, s).first;
    }
    const LevelSeries& s = it->second;
    s.acc_live->Set(score.live.counts.accuracy());
    s.acc_frozen->Set(score.frozen.counts.accuracy());
    s.auc_live->Set(score.live.auc.auc());
    s.auc_frozen->Set(score.frozen.auc.auc());
    s.events->Set(static_cast<double>(score.events));
    s.smear->Set(score.smear);
    const trigger::LevelFigures f = m.figures(score);
    s.eff_live->Set(f.live.efficiency);
    s.eff_frozen->Set(f.frozen.efficiency);
    s.pu_live->Set(f.live.negative_acceptance);
    s.pu_frozen->Set(f.frozen.negative_acceptance);
    s.vertex_eff->Set(score.vertex_efficiency());
    const trigger::HtTrigger& t = m.trigger();
    if (const auto tl = t.levels().find(level); tl != t.levels().end()) {
      s.trig_live->Set(t.efficiency(tl->second, tl->second.live).share);
      s.trig_frozen->Set(t.efficiency(tl->second, tl->second.frozen).share);
      s.rate_live->Set(t.rate(tl->second, tl->second.live).hz);
      s.rate_frozen->Set(t.rate(tl->second, tl->second.frozen).hz);
      s.at_rate_live->Set(t.efficiency_at_rate(tl->second.live).share);
      s.at_rate_frozen->Set(t.efficiency_at_rate(tl->second.frozen).share);
      s.ht_res_live->Set(tl->second.live.ht.rms());
      s.ht_res_frozen->Set(tl->second.frozen.ht.rms());
    }
  }
  if (const auto wp = m.working_point()) working_point_.Set(wp->threshold);
  if (const auto ht = m.trigger().ht_threshold_gev()) ht_threshold_.Set(*ht);
}

}  // namespace l1t::monitor
