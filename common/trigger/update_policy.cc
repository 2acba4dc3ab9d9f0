#include "common/trigger/update_policy.h"

namespace l1t::trigger {

bool parse_update_policy(const std::string& name, UpdatePolicyKind* kind) {
  if (name == "every_n")
    *kind = UpdatePolicyKind::kEveryN;
  else if (name == "on_drift")
    *kind = UpdatePolicyKind::kOnDrift;
  else if (name == "fill_boundary")
    *kind = UpdatePolicyKind::kFillBoundary;
  else
    return false;
  return true;
}

std::string update_policy_names() { return "every_n, on_drift, fill_boundary"; }

const char* update_policy_name(UpdatePolicyKind kind) {
  switch (kind) {
    case UpdatePolicyKind::kEveryN:
      return "every_n";
    case UpdatePolicyKind::kOnDrift:
      return "on_drift";
    case UpdatePolicyKind::kFillBoundary:
      return "fill_boundary";
  }
  return "?";
}

UpdatePolicy::UpdatePolicy(UpdatePolicyKind kind, uint64_t every_n)
    : kind_(kind), every_n_(every_n) {}

bool UpdatePolicy::candidate_due() const {
  if (since_candidate_ < every_n_) return false;
  return kind_ != UpdatePolicyKind::kOnDrift || armed_;
}

uint32_t UpdatePolicy::activate_at_fill() const {
  return kind_ == UpdatePolicyKind::kFillBoundary ? fill_ + 1 : 0;
}

}  // namespace l1t::trigger
