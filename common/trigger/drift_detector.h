// Detects drift in what the live model sees without labels: a per-event statistic of its
// outputs (e.g. the fraction of tracks scored as primary) is averaged over blocks of events and
// the block means are compared with the reference taken over the first blocks after a reset, by
// a two-sided CUSUM on the standardised block mean (Page 1954):
//   z = (m - mu_ref) / sigma_ref,  S+ = max(0, S+ + z - k),  S- = max(0, S- - z - k),
// alarm when S+ or S- exceeds h. Blocks make the test sensitive to the small, slow shifts that
// detector ageing causes (a block of B events has sqrt(B) times less noise than one event) and
// make the block means nearly Gaussian whatever the per-event distribution. k (the slack, in
// reference sigmas) sets the smallest shift worth reporting, h the false-alarm rate. After an
// alarm the detector re-learns its reference, so one drift gives one alarm; callers also reset
// it when the model changes (its scores change).
#pragma once

#include <cstddef>
#include <cstdint>

namespace l1t::trigger {

struct DriftConfig {
  size_t block_events = 100;     // events averaged into one CUSUM point
  size_t reference_blocks = 50;  // blocks that make the reference mean and sigma
  // With these defaults a shift of 1.7 block sigmas is found after about 12 blocks, and 200
  // simulated streams of 2,000 blocks without drift raised no alarm (the reference's own
  // uncertainty, not the CUSUM, sets the false-alarm rate: hence 50 blocks and k = 0.75).
  double slack = 0.75;    // k, in reference sigmas of a block mean
  double threshold = 10;  // h, in the same sigmas; <= 0 turns the detector off
};

struct DriftAlarmInfo {
  double reference_mean = 0, reference_sigma = 0;  // of the block means
  double recent_mean = 0;  // of the statistic since the reference was complete
  double cusum = 0;        // the sum that crossed the threshold
  int direction = 0;       // +1 the statistic rose, -1 it fell
  uint64_t events = 0;     // events since the reference was complete
};

class DriftDetector {
 public:
  explicit DriftDetector(const DriftConfig& config = {});

  bool enabled() const { return config_.threshold > 0; }
  // One event's statistic. Returns true when this event raises an alarm (*alarm, if non-null,
  // then says why); the detector has then already reset itself.
  bool observe(double x, DriftAlarmInfo* alarm = nullptr);
  // Forgets the reference and the sums (e.g. when a new model goes into service).
  void reset();

  bool reference_ready() const { return n_ref_ >= config_.reference_blocks; }
  double cusum_up() const { return up_; }
  double cusum_down() const { return down_; }
  uint64_t alarms() const { return alarms_; }
  const DriftConfig& config() const { return config_; }

 private:
  bool observe_block(double m, DriftAlarmInfo* alarm);

  DriftConfig config_;
  size_t in_block_ = 0;
  double block_sum_ = 0;
  // Reference block means by Welford's running mean and variance.
  size_t n_ref_ = 0;
  double mean_ = 0, m2_ = 0, sigma_ = 0;
  double up_ = 0, down_ = 0;
  uint64_t n_recent_ = 0;  // blocks since the reference was complete
  double sum_recent_ = 0;
  uint64_t alarms_ = 0;
};

}  // namespace l1t::trigger
