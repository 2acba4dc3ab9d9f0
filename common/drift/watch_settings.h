// DriftWatch's settings (the scenario's `drift:` section), apart so that config reads them
// without the detectors.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace l1t::drift {

struct WatchSettings {
  size_t reference_events = 2000;   // events in each reference
  size_t window_events = 2000;      // the recent window
  size_t tracks_per_event = 16;     // tracks sampled per event (tracks come in random order)
  size_t block_events = 50;         // detectors see means over this many events
  double false_alarm_events = 1e6;  // target mean events between false alarms, per detector
  std::vector<std::string> detectors = {"page_hinkley", "adwin"};
  size_t max_levels = 64;    // degradation levels given their own sample
  size_t max_alarms = 1000;  // alarms kept for the report (all are counted)
  // Against delayed labels (label_watch.h): tracks of each labelled event whose error bits the
  // detectors see (tracks of one crossing are not independent draws), the tracks a calibration
  // needs before it estimates, and the estimate's gap from the realised efficiency that counts
  // as concept drift (or 3 of its standard errors, if more).
  size_t label_tracks_per_event = 8;
  size_t calibration_min_tracks = 5000;
  double efficiency_gap = 0.02;
  // The detectors whose alarms an inference node sends to the trainer (its update_policy
  // on_drift acts on them): cusum (the primary fraction's, trigger/drift_detector.h),
  // page_hinkley, adwin, ddm, hddm_a, cbpe.
  std::vector<std::string> trainer_alarms = {"cusum"};
};

}  // namespace l1t::drift
