#include "common/physics/time_model.h"

#include <algorithm>
#include <cmath>

namespace l1t::physics {

namespace {
constexpr double kMbInCm2 = 1e-27;
constexpr double kInvPbInInvCm2 = 1e36;  // 1/pb = 1e36 cm^-2

std::optional<ParamError> fail(const char* key, const char* why) { return ParamError{key, why}; }
}  // namespace

std::optional<ParamError> check(const TimeModelParams& p) {
  if (p.events_per_lumisection == 0) return fail("events_per_lumisection", "must be > 0");
  if (p.lumisections_per_run == 0) return fail("lumisections_per_run", "must be > 0");
  if (p.runs_per_fill == 0) return fail("runs_per_fill", "must be > 0");
  if (!(p.lumisection_seconds > 0) || !std::isfinite(p.lumisection_seconds)) {
    return fail("lumisection_seconds", "must be > 0");
  }
  if (!(p.peak_pileup >= 0 && p.peak_pileup <= 1000))
    return fail("peak_pileup", "must be in 0..1000");
  if (!(p.decay_lifetime_hours > 0) || !std::isfinite(p.decay_lifetime_hours)) {
    return fail("decay_lifetime_hours", "must be > 0");
  }
  if (!(p.inelastic_cross_section_mb > 0) || !std::isfinite(p.inelastic_cross_section_mb)) {
    return fail("inelastic_cross_section_mb", "must be > 0");
  }
  if (p.colliding_bunches == 0 || p.colliding_bunches > 3564) {
    return fail("colliding_bunches", "must be in 1..3564 (25 ns buckets in the LHC ring)");
  }
  return std::nullopt;
}

TimeModel::TimeModel(const TimeModelParams& p)
    : p_(p),
      ls_per_fill_(std::max<uint64_t>(1, uint64_t{p.lumisections_per_run} * p.runs_per_fill)) {
  // Zero counts would divide by zero; check() rejects them, this only keeps at() defined.
  p_.events_per_lumisection = std::max<uint64_t>(1, p_.events_per_lumisection);
  p_.lumisections_per_run = std::max<uint32_t>(1, p_.lumisections_per_run);
  cm2s_per_pileup_ =
      p_.colliding_bunches * kLhcRevolutionHz / (p_.inelastic_cross_section_mb * kMbInCm2);
  pb_per_pileup_ls_ = cm2s_per_pileup_ * p_.lumisection_seconds / kInvPbInInvCm2;
  decay_per_ls_ = p_.lumisection_seconds / (p_.decay_lifetime_hours * 3600.0);
}

double TimeModel::pileup_in_fill(uint64_t ls_in_fill) const {
  if (ls_in_fill < p_.levelled_lumisections) return p_.peak_pileup;
  // Decay from the end of levelling; a lumisection holds the value of its middle.
  const double m = static_cast<double>(ls_in_fill - p_.levelled_lumisections) + 0.5;
  return p_.peak_pileup * std::exp(-m * decay_per_ls_);
}

double TimeModel::pileup_sum_in_fill(uint64_t n) const {
  const uint64_t levelled = std::min<uint64_t>(n, p_.levelled_lumisections);
  double sum = p_.peak_pileup * static_cast<double>(levelled);
  if (n > levelled) {
    // sqrt(r) * sum_{k<m} r^k with r = exp(-a): sqrt(r) (1 - r^m) / (1 - r), via expm1 so
    // that a long lifetime (a -> 0) keeps its precision.
    const double m = static_cast<double>(n - levelled);
    sum += p_.peak_pileup * std::exp(-0.5 * decay_per_ls_) * std::expm1(-m * decay_per_ls_) /
           std::expm1(-decay_per_ls_);
  }
  return sum;
}

double TimeModel::pileup_at_lumisection(uint64_t lumisection_index) const {
  return pileup_in_fill(lumisection_index % ls_per_fill_);
}

double TimeModel::delivered_pb(uint64_t lumisection_index) const {
  return pileup_at_lumisection(lumisection_index) * pb_per_pileup_ls_;
}

double TimeModel::integrated_pb_before(uint64_t lumisection_index) const {
  const uint64_t fills = lumisection_index / ls_per_fill_;
  const uint64_t rest = lumisection_index % ls_per_fill_;
  const double per_fill = pileup_sum_in_fill(ls_per_fill_);
  return (static_cast<double>(fills) * per_fill + pileup_sum_in_fill(rest)) * pb_per_pileup_ls_;
}

TimePoint TimeModel::at(uint64_t event_index) const {
  TimePoint t;
  t.event_index = event_index;
  const uint64_t ls = event_index / p_.events_per_lumisection;
  const uint64_t in_ls = event_index % p_.events_per_lumisection;
  const double frac = static_cast<double>(in_ls) / static_cast<double>(p_.events_per_lumisection);
  t.lumisection_index = ls;
  t.fill_index = ls / ls_per_fill_;
  const uint64_t ls_in_fill = ls % ls_per_fill_;
  const uint64_t run_in_fill = ls_in_fill / p_.lumisections_per_run;
  t.fill = static_cast<uint32_t>(p_.first_fill + t.fill_index);
  t.run = static_cast<uint32_t>(p_.first_run + t.fill_index * p_.runs_per_fill + run_in_fill);
  t.lumisection = static_cast<uint32_t>(ls_in_fill % p_.lumisections_per_run + 1);
  t.time_s = (static_cast<double>(ls) + frac) * p_.lumisection_seconds;
  t.pileup_mean = pileup_in_fill(ls_in_fill);
  t.inst_lumi_cm2s = t.pileup_mean * cm2s_per_pileup_;
  // Events share their lumisection's delivery evenly, so the total is continuous in the index.
  t.integrated_lumi_pb = integrated_pb_before(ls) + frac * t.pileup_mean * pb_per_pileup_ls_;
  return t;
}

}  // namespace l1t::physics
