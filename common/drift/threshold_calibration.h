// Detector thresholds set by simulation rather than guessed: on a stationary stream (the
// quantity as it behaves without drift), the smallest threshold whose mean run between false
// alarms is at least the target, found by bisection. The detector is made afresh for each
// threshold tried and fed the same stream, so the answer is a function of the seed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <random>

#include "common/drift/detector.h"

namespace l1t::drift {

struct CalibrationSettings {
  double target_run = 1e5;     // mean values between false alarms
  uint64_t stream_length = 0;  // values simulated per threshold; 0: 5 x target_run
  double low = 0, high = 1e3;  // the threshold lies in [low, high]
  int iterations = 30;
  uint64_t seed = 1;
  // Reset the detector every this many values (0: never), as a caller that resets it at each
  // weight swap does: detectors whose false alarms crowd after a restart (DDM) are calibrated
  // for how they are used.
  uint64_t reset_every = 0;
};

struct Calibration {
  double threshold = 0;
  double mean_run = 0;  // measured at that threshold (stream length / alarms; infinite if none)
};

using DetectorFactory = std::function<std::unique_ptr<Detector>(double threshold)>;
using StationaryStream = std::function<double(std::mt19937_64&)>;

// false alarms per value of the stream: how often d calls drift on it.
double false_alarm_run(Detector& d, const StationaryStream& stream, uint64_t length, uint64_t seed,
                       uint64_t reset_every = 0);
Calibration calibrate_threshold(const DetectorFactory& make, const StationaryStream& stream,
                                const CalibrationSettings& s = {});

}  // namespace l1t::drift
