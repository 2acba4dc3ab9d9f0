#include "common/drift/threshold_calibration.h"

#include <cmath>

namespace l1t::drift {

double false_alarm_run(Detector& d, const StationaryStream& stream, uint64_t length, uint64_t seed,
                       uint64_t reset_every) {
  std::mt19937_64 rng(seed);
  uint64_t alarms = 0;
  for (uint64_t i = 0; i < length; ++i) {
    if (reset_every > 0 && i > 0 && i % reset_every == 0) d.reset();
    alarms += d.update(stream(rng)) == DriftLevel::kDrift;
  }
  return alarms == 0 ? INFINITY : static_cast<double>(length) / static_cast<double>(alarms);
}

Calibration calibrate_threshold(const DetectorFactory& make, const StationaryStream& stream,
                                const CalibrationSettings& s) {
  const uint64_t length =
      s.stream_length > 0 ? s.stream_length : static_cast<uint64_t>(5 * s.target_run);
  auto run_at = [&](double threshold) {
    auto d = make(threshold);
    return false_alarm_run(*d, stream, length, s.seed, s.reset_every);
  };
  // Invariant: high meets the target (or is the top of the range), low does not.
  double low = s.low, high = s.high;
  for (int i = 0; i < s.iterations; ++i) {
    const double mid = 0.5 * (low + high);
    (run_at(mid) >= s.target_run ? high : low) = mid;
  }
  return {high, run_at(high)};
}

}  // namespace l1t::drift
