#include "common/nn/training/qat.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "common/fixed/cast.h"

namespace l1t::nn {
namespace {

// One parameter block's conversion, as quantise() does it: quantise_parameter into the type
// (saturating if asked), then the type's value. fixed::from_double is exact for any mode but
// costs ~30 ns a call, too much on every training step, so the common case (AP_TRN or AP_RND
// into a saturating type of at most 52 bits) is done here in double arithmetic, which is exact
// there: a float times a power of two, floor, clamp. Anything else, non-finite values, and values
// within hls4ml's text error of a step, go through quantise_parameter itself.
class BlockQuantiser {
 public:
  BlockQuantiser(const fixed::Spec& spec, const QuantisationConfig& config)
      : spec_(spec), conversion_(spec), text_(config.hls4ml_text) {
    if (config.saturate_parameters) conversion_.overflow = fixed::Overflow::kSat;
    fast_ = conversion_.overflow == fixed::Overflow::kSat &&
            (spec.quant == fixed::Quant::kTrn || spec.quant == fixed::Quant::kRnd) &&
            spec.width <= 52 && std::abs(spec.frac()) <= 60;
    scale_ = std::ldexp(1.0, spec.frac());
    lsb_ = std::ldexp(1.0, -spec.frac());
    offset_ = spec.quant == fixed::Quant::kRnd ? 0.5 : 0.0;  // AP_RND: half rounds up
    lo_ = static_cast<double>(spec.min_raw());
    hi_ = static_cast<double>(spec.max_raw());
  }

  float operator()(float value) const {
    const double x = value;
    if (fast_ && std::isfinite(x)) {
      const double raw = to_raw(x);
      // quantise_parameter's own test for whether hls4ml's 10-decimal text could differ.
      constexpr double kTextError = 1e-10;
      if (!text_ || (to_raw(x - kTextError) == raw && to_raw(x + kTextError) == raw)) {
        return static_cast<float>(raw * lsb_);
      }
    }
    const int64_t raw = quantise_parameter(value, conversion_, text_);
    return static_cast<float>(fixed::to_double(raw, spec_));
  }

 private:
  double to_raw(double x) const { return std::clamp(std::floor(x * scale_ + offset_), lo_, hi_); }

  fixed::Spec spec_, conversion_;
  bool text_;
  bool fast_ = false;
  double scale_ = 1, lsb_ = 1, offset_ = 0, lo_ = 0, hi_ = 0;
};

template <typename P>
void fake_quantise_block(P& values, const fixed::Spec& spec, const QuantisationConfig& config) {
  const BlockQuantiser quantiser(spec, config);
  for (Eigen::Index k = 0; k < values.size(); ++k) values.data()[k] = quantiser(values.data()[k]);
}

// master + (updated - quantised), in double so that it gives `updated` exactly when the
// quantisation changed nothing.
template <typename P>
void straight_through(P& model_param, const P& master, const P& quantised) {
  model_param = (master.template cast<double>() +
                 (model_param.template cast<double>() - quantised.template cast<double>()))
                    .template cast<float>();
}

}  // namespace

void fake_quantise(FloatMlp& model, const QuantisationConfig& config) {
  for (int l = 0; l < model.num_layers(); ++l) {
    const LayerPrecision& p = precision_of(config, l);
    fake_quantise_block(model.layer(l).w, p.weight, config);
    fake_quantise_block(model.layer(l).b, p.bias, config);
  }
}

QuantisationAware::QuantisationAware(std::unique_ptr<Algorithm> inner,
                                     const QuantisationConfig& config)
    : inner_(std::move(inner)), config_(config) {}

double QuantisationAware::step(FloatMlp& model, const float* x, const float* y, size_t n,
                               const LossOptions& loss, Strategy* strategy, double* penalty) {
  const int num = model.num_layers();
  master_w_.resize(num);
  master_b_.resize(num);
  quant_w_.resize(num);
  quant_b_.resize(num);
  for (int l = 0; l < num; ++l) {
    master_w_[l] = model.layer(l).w;
    master_b_[l] = model.layer(l).b;
  }
  fake_quantise(model, config_);
  for (int l = 0; l < num; ++l) {
    quant_w_[l] = model.layer(l).w;
    quant_b_[l] = model.layer(l).b;
  }

  const double data_loss = inner_->step(model, x, y, n, loss, strategy, penalty);

  for (int l = 0; l < num; ++l) {
    straight_through(model.layer(l).w, master_w_[l], quant_w_[l]);
    straight_through(model.layer(l).b, master_b_[l], quant_b_[l]);
  }
  return data_loss;
}

}  // namespace l1t::nn
