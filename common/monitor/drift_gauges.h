// The monitor's view of drift as Prometheus series: rolling and per-level accuracy and AUC of
// the live and the frozen model, PV-track efficiency and pile-up acceptance at the working
// point, the HT trigger's efficiency, rate and HT resolution, the degradation in force and the
// weight version deciding; per inference node, its decisions, weight version and drift alarms.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "common/metrics/metrics.h"
#include "common/trigger/decision_monitor.h"

namespace l1t::monitor {

class DriftGauges {
 public:
  explicit DriftGauges(metrics::Metrics& metrics);
  // Brings every series up to date with the monitor (called about once a second).
  void update(const trigger::DecisionMonitor& m);

 private:
  struct LevelSeries {
    prometheus::Gauge *acc_live, *acc_frozen, *auc_live, *auc_frozen, *events, *smear;
    prometheus::Gauge *eff_live, *eff_frozen, *pu_live, *pu_frozen, *vertex_eff;
    prometheus::Gauge *trig_live, *trig_frozen, *rate_live, *rate_frozen, *ht_res_live,
        *ht_res_frozen, *at_rate_live, *at_rate_frozen;
  };
  metrics::Metrics& metrics_;
  prometheus::Counter& joined_;
  prometheus::Counter& unmatched_;
  prometheus::Counter& mismatched_;
  prometheus::Gauge& acc_live_;
  prometheus::Gauge& acc_frozen_;
  prometheus::Gauge& level_;
  prometheus::Gauge& smear_;
  prometheus::Gauge& version_;
  prometheus::Gauge& missing_;
  prometheus::Gauge& working_point_;
  prometheus::Gauge& ht_threshold_;
  struct NodeSeries {
    prometheus::Counter* decisions;
    prometheus::Gauge *version, *alarms;
    uint64_t decisions_seen = 0;
  };
  std::map<uint32_t, LevelSeries> levels_;
  std::map<std::string, NodeSeries> nodes_;
  uint64_t joined_seen_ = 0, unmatched_seen_ = 0, mismatched_seen_ = 0;
};

}  // namespace l1t::monitor
