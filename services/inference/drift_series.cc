#include "services/inference/drift_series.h"

namespace l1t::inference {

void DriftSeries::update(const drift::DriftWatch& watch) {
  for (const drift::FeatureDistance& f : watch.distances()) {
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
  for (const drift::DetectorState& d : watch.detectors()) {
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
}

}  // namespace l1t::inference
