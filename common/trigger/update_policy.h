// When the trainer takes a candidate weight set and when the inference nodes may make it active:
//   every_n        a candidate every N labelled samples, active at once;
//   on_drift       the learner trains all along, but a candidate is taken only after an
//                  inference node reported drift (and N samples since the last one); one
//                  alarm leads to one publication;
//   fill_boundary  a candidate every N samples, active only from the next fill on (the weights
//                  of an L1 FPGA are reprogrammed only between fills).
// Pure bookkeeping: the trainer feeds it samples, alarms, fills and outcomes.
#pragma once

#include <cstdint>
#include <string>

namespace l1t::trigger {

enum class UpdatePolicyKind { kEveryN, kOnDrift, kFillBoundary };

// "every_n", "on_drift", "fill_boundary"; false for anything else.
bool parse_update_policy(const std::string& name, UpdatePolicyKind* kind);
std::string update_policy_names();  // for error messages
const char* update_policy_name(UpdatePolicyKind kind);

class UpdatePolicy {
 public:
  UpdatePolicy(UpdatePolicyKind kind, uint64_t every_n);

  void on_samples(uint64_t n) { since_candidate_ += n; }
  void on_alarm() {
    ++alarms_;
    armed_ = true;
  }
  // A fill an inference node reported (events or heartbeats); the highest one counts.
  void on_fill(uint32_t fill) { fill_ = fill > fill_ ? fill : fill_; }

  bool candidate_due() const;
  // A candidate was taken: the sample count starts again.
  void candidate_taken() { since_candidate_ = 0; }
  // A candidate was published: on_drift waits for the next alarm (a rejected one does not
  // disarm it, so the next candidate gets its chance).
  void published() { armed_ = false; }

  // What ModelUpdate.activate_at_fill should say for a version published now: 0 (at once), or
  // for fill_boundary the fill after the newest one known (1 before any fill was reported).
  uint32_t activate_at_fill() const;

  UpdatePolicyKind kind() const { return kind_; }
  bool armed() const { return armed_; }
  uint32_t fill() const { return fill_; }
  uint64_t alarms() const { return alarms_; }
  uint64_t since_candidate() const { return since_candidate_; }

 private:
  UpdatePolicyKind kind_;
  uint64_t every_n_;
  uint64_t since_candidate_ = 0;
  bool armed_ = false;
  uint32_t fill_ = 0;
  uint64_t alarms_ = 0;
};

}  // namespace l1t::trigger
