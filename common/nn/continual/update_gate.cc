#include "common/nn/continual/update_gate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "common/fixed/cast.h"
#include "common/nn/inference/batch_scorer.h"

namespace l1t::nn {

GateScore score_fixed(const FixedModel& model, const float* x, const float* y, size_t n,
                      float threshold) {
  GateScore s;
  s.rows = n;
  if (n == 0 || model.layers.empty()) return s;
  const int width = model.layers.front().n_in;
  std::vector<int64_t> x_raw(n * width);
  for (size_t i = 0; i < x_raw.size(); ++i) x_raw[i] = fixed::from_double(x[i], model.input);
  const int n_out = model.layers.back().n_out;
  std::vector<int64_t> out(n * n_out);
  BatchScorer(model).score(x_raw.data(), n, out.data());
  const fixed::Spec& out_spec = model.layers.back().activation_result;
  constexpr double kEps = 1e-6;  // a saturated score must not make the BCE infinite
  double bce = 0;
  for (size_t i = 0; i < n; ++i) {
    const double p = fixed::to_double(out[i * n_out], out_spec);
    const bool positive = y[i] >= 0.5f;
    if ((p >= threshold) == positive) ++s.correct;
    const double q = std::clamp(p, kEps, 1.0 - kEps);
    bce -= y[i] * std::log(q) + (1.0 - y[i]) * std::log(1.0 - q);
  }
  s.accuracy = static_cast<double>(s.correct) / static_cast<double>(n);
  s.bce = bce / static_cast<double>(n);
  return s;
}

double threshold_for_acceptance(const FixedModel& model, const float* x, const float* y, size_t n,
                                double pu_acceptance) {
  if (n == 0 || model.layers.empty()) return 0;
  const int width = model.layers.front().n_in;
  std::vector<int64_t> x_raw(n * width);
  for (size_t i = 0; i < x_raw.size(); ++i) x_raw[i] = fixed::from_double(x[i], model.input);
  const int n_out = model.layers.back().n_out;
  std::vector<int64_t> out(n * n_out);
  BatchScorer(model).score(x_raw.data(), n, out.data());
  std::vector<int64_t> pileup;
  for (size_t i = 0; i < n; ++i) {
    if (y[i] < 0.5f) pileup.push_back(out[i * n_out]);
  }
  if (pileup.empty()) return 0;
  // At most k pile-up rows at or above the threshold: one lsb above the (k+1)-th highest.
  const size_t k =
      static_cast<size_t>(std::floor(pu_acceptance * static_cast<double>(pileup.size())));
  if (k >= pileup.size()) return 0;
  std::nth_element(pileup.begin(), pileup.begin() + static_cast<long>(k), pileup.end(),
                   std::greater<int64_t>());
  return fixed::to_double(pileup[k] + 1, model.layers.back().activation_result);
}

std::string GateDecision::summary() const {
  std::string s = std::string(publish ? "publish" : "reject") + " (" + reason + ")";
  char buf[256];
  if (window_checked) {
    std::snprintf(buf, sizeof buf,
                  ": window %zu rows acc %.4f vs %.4f in service (%+.4f), bce %.4f vs %.4f",
                  window_candidate.rows, window_candidate.accuracy, window_service.accuracy,
                  window_delta(), window_candidate.bce, window_service.bce);
    s += buf;
  }
  if (reference_checked) {
    std::snprintf(buf, sizeof buf,
                  "%s reference %zu rows acc %.4f vs %.4f (%+.4f), bce %.4f vs %.4f",
                  window_checked ? ";" : ":", reference_candidate.rows,
                  reference_candidate.accuracy, reference_service.accuracy, reference_delta(),
                  reference_candidate.bce, reference_service.bce);
    s += buf;
  }
  return s;
}

UpdateGate::UpdateGate(const GateConfig& config, int width) : config_(config), width_(width) {}

void UpdateGate::set_reference(const float* x, const float* y, size_t n) {
  ref_x_.assign(x, x + n * width_);
  ref_y_.assign(y, y + n);
}

double UpdateGate::calibrate(const FixedModel& model) const {
  const size_t window_pileup = static_cast<size_t>(
      std::count_if(win_y_.begin(), win_y_.end(), [](float y) { return y < 0.5f; }));
  if (window_pileup >= kMinCalibrationRows) {
    return threshold_for_acceptance(model, win_x_.data(), win_y_.data(), win_y_.size(),
                                    config_.pu_acceptance);
  }
  return threshold_for_acceptance(model, ref_x_.data(), ref_y_.data(), ref_y_.size(),
                                  config_.pu_acceptance);
}

void UpdateGate::open_window() {
  open_ = true;
  win_x_.clear();
  win_y_.clear();
  win_x_.reserve(config_.window * width_);
  win_y_.reserve(config_.window);
}

size_t UpdateGate::offer(const float* x, const float* y, size_t n) {
  if (!open_ || win_y_.size() >= config_.window) return 0;
  const size_t take = std::min(n, config_.window - win_y_.size());
  win_x_.insert(win_x_.end(), x, x + take * width_);
  win_y_.insert(win_y_.end(), y, y + take);
  return take;
}

GateDecision UpdateGate::judge(const FixedModel& service, const FixedModel& candidate) {
  GateDecision d;
  open_ = false;
  if (!enabled()) {
    d.reason = "gate off";
    ++passed_;
    return d;
  }
  const float t = config_.threshold;
  bool window_bad = false, reference_bad = false;
  if (!win_y_.empty()) {
    d.window_checked = true;
    d.window_candidate = score_fixed(candidate, win_x_.data(), win_y_.data(), win_y_.size(), t);
    d.window_service = score_fixed(service, win_x_.data(), win_y_.data(), win_y_.size(), t);
    window_bad = d.window_delta() < -config_.margin;
  }
  if (!ref_y_.empty()) {
    d.reference_checked = true;
    d.reference_candidate = score_fixed(candidate, ref_x_.data(), ref_y_.data(), ref_y_.size(), t);
    d.reference_service = score_fixed(service, ref_x_.data(), ref_y_.data(), ref_y_.size(), t);
    reference_bad = d.reference_delta() < -config_.reference_margin;
  }
  d.publish = !window_bad && !reference_bad;
  d.reason = window_bad && reference_bad ? "window+reference"
             : window_bad                ? "window"
             : reference_bad             ? "reference"
                                         : "ok";
  ++(d.publish ? passed_ : rejected_);
  return d;
}

}  // namespace l1t::nn
