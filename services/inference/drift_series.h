// An inference node's DriftWatch as Prometheus series, each labelled as the watch names it:
//   l1t_feature_drift_distance{feature,method,reference}  method: wasserstein_normed, psi,
//     ks_statistic; reference: undegraded, model
//   l1t_feature_drift_ks_p_value{feature,reference}
//   l1t_drift_statistic / l1t_drift_threshold / l1t_drift_state{detector,signal}
//   l1t_drift_alarms_total{detector,signal}
// The set of series is fixed by the settings (bounded).
#pragma once

#include <map>
#include <string>
#include <utility>

#include "common/drift/drift_watch.h"
#include "common/drift/label_watch.h"
#include "common/metrics/metrics.h"

namespace l1t::inference {

class DriftSeries {
 public:
  explicit DriftSeries(metrics::Metrics& m) : metrics_(m) {}
  // Computes the distances (O(window log window)): about once a second.
  void update(const drift::DriftWatch& watch);
  // The label watch: its detectors in the same families, and
  //   l1t_estimated_efficiency_ratio, l1t_estimated_pu_acceptance_ratio, l1t_estimated_auc
  //   (from the scores alone, once calibrated), l1t_estimated_efficiency_error_ratio,
  //   l1t_realized_efficiency_ratio{source}, l1t_realized_pu_acceptance_ratio{source},
  //   l1t_realized_auc{source} (source: the labeller's mode), and
  //   l1t_performance_tracks{kind="estimated|realized"}, the tracks behind each.
  void update(const drift::LabelWatch& watch, const std::string& source);

 private:
  void detector(const drift::DetectorState& d);
  metrics::Metrics& metrics_;
  std::map<std::pair<std::string, std::string>, uint64_t> alarms_seen_;
  size_t next_feature_ = 0;
};

}  // namespace l1t::inference
