#include "services/inference/drift_series.h"

namespace l1t::inference {

void DriftSeries::update(const drift::DriftWatch& watch) {
  // One feature per call (the caller calls 8 times a second): each sorts two 32,000-value
  // samples, and all of them at once stalled the event loop by about 70 ms.
  const size_t feature = next_feature_++ % drift::kWatchedFeatures.size();
  for (const drift::FeatureDistance& f : watch.distances(feature)) {
    for (auto [method, value] : {std::pair{"wasserstein_normed", f.d.wasserstein_normed},
                                 {"psi", f.d.psi},
                                 {"ks_statistic", f.d.ks_statistic}}) {
      metrics_
          .gauge("l1t_feature_drift_distance",
                 "Distance of the recent window of a feature from a reference (Evidently's "
                 "statistics)",
                 {{"feature", f.feature}, {"method", method}, {"reference", f.reference}})
          .Set(value);
    }
    metrics_
        .gauge("l1t_feature_drift_ks_p_value",
               "Two-sample Kolmogorov-Smirnov p-value of a feature's window against a reference",
               {{"feature", f.feature}, {"reference", f.reference}})
        .Set(f.d.ks_p_value);
  }
  for (const drift::DetectorState& d : watch.detectors()) detector(d);
}

void DriftSeries::detector(const drift::DetectorState& d) {
  const prometheus::Labels labels{{"detector", d.detector}, {"signal", d.signal}};
  metrics_.gauge("l1t_drift_statistic", "A drift detector's test statistic on its signal", labels)
      .Set(d.statistic);
  metrics_.gauge("l1t_drift_threshold", "The statistic at which the detector calls drift", labels)
      .Set(d.threshold);
  metrics_.gauge("l1t_drift_state", "A drift detector's state: 0 ok, 1 warning, 2 drift", labels)
      .Set(static_cast<double>(d.state));
  uint64_t& seen = alarms_seen_[{d.detector, d.signal}];
  auto& alarms = metrics_.counter("l1t_drift_alarms_total", "Drift alarms raised", labels);
  if (d.alarms > seen) alarms.Increment(static_cast<double>(d.alarms - seen));
  seen = d.alarms;
}

void DriftSeries::update(const drift::LabelWatch& watch, const std::string& source) {
  for (const drift::DetectorState& d : watch.detectors()) detector(d);
  const drift::Performance e = watch.estimated(), r = watch.realized();
  if (e.valid) {
    metrics_
        .gauge("l1t_estimated_efficiency_ratio",
               "PV-track efficiency of the live model estimated from its calibrated scores alone "
               "(CBPE), recent events")
        .Set(e.efficiency);
    metrics_
        .gauge("l1t_estimated_efficiency_error_ratio",
               "Standard error of the estimated PV-track efficiency")
        .Set(e.efficiency_error);
    metrics_
        .gauge("l1t_estimated_pu_acceptance_ratio",
               "Pile-up track acceptance estimated from the calibrated scores (CBPE)")
        .Set(e.pu_acceptance);
    metrics_.gauge("l1t_estimated_auc", "ROC AUC estimated from the calibrated scores (CBPE)")
        .Set(e.auc);
  }
  if (r.valid) {
    const prometheus::Labels labels{{"source", source}};
    metrics_
        .gauge("l1t_realized_efficiency_ratio",
               "PV-track efficiency of the live model on the recent labelled events", labels)
        .Set(r.efficiency);
    metrics_
        .gauge("l1t_realized_pu_acceptance_ratio",
               "Pile-up track acceptance of the live model on the recent labelled events", labels)
        .Set(r.pu_acceptance);
    metrics_
        .gauge("l1t_realized_auc",
               "ROC AUC of the live model on the labelled events since its weight swap", labels)
        .Set(r.auc);
  }
  for (auto [kind, p] : {std::pair{"estimated", &e}, {"realized", &r}}) {
    metrics_
        .gauge("l1t_performance_tracks", "Tracks behind the estimated and realised figures",
               {{"kind", kind}})
        .Set(static_cast<double>(p->tracks));
  }
}

}  // namespace l1t::inference
