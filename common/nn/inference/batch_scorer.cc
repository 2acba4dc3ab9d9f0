// Rows are scored 32 at a time (four vectors of eight int32 lanes), laid out feature-major so
// that a weight is broadcast once and multiplies 32 rows. Each dense layer gets the fastest
// kernel that is still exact for its precisions:
//   mod32   accum_t is AP_TRN/AP_RND + plain AP_WRAP (hls4ml's default): wrapping is modular,
//           so products and sums run as wrapping int32 arithmetic as long as every bit the
//           result cast reads is among the low 32 - shift bits of the products.
//   exact32 every intermediate fits int32 exactly, so saturating and rounding modes are
//           applied per product and per sum, in input order, as hls4ml does.
//   scalar  anything else (AP_WRAP_SM, saturation bits, very wide types): the reference
//           arithmetic lane by lane.
// A model whose inputs, weights or layer outputs do not fit int32 is scored by the scalar
// reference row by row.
#include "common/nn/inference/batch_scorer.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "common/fixed/cast.h"
#include "common/nn/inference/fixed_layers.h"
#include "common/nn/inference/fixed_predict.h"
#include "common/nn/inference/fixed_simd.h"
#include "common/nn/inference/fixed_vec_cast.h"

namespace l1t::nn {
namespace {

using fixed::Overflow;
using fixed::Quant;
using fixed::Spec;
using simd::I32x8;

constexpr int kVecs = 4;                     // vectors per block
constexpr int kRows = kVecs * simd::kLanes;  // rows per block
constexpr int kGroup = 2;                    // outputs per kernel pass

enum class Kind { kMod32, kExact32, kScalar };
enum class ModOp { kAdd, kSra, kRnd, kSll };

struct LayerPlan {
  Kind kind = Kind::kScalar;
  int n_in = 0;
  int n_out = 0;
  Spec in_spec;                  // the layer's input (previous activation_result or input_t)
  FixedDense layer;              // for the scalar kind and for describe()
  std::vector<int32_t> weights;  // grouped: for each group of kGroup (or 1) outputs, [i][g]
  std::vector<int32_t> biases;   // bias cast to accum_t (mod 2^32 for kMod32)
  ModOp mod_op = ModOp::kAdd;
  int mod_shift = 0;
  VecCast prod_cast;    // kExact32: product -> accum_t
  VecCast sum_cast;     // kExact32: acc + product -> accum_t
  VecCast acc_cast;     // kMod32: the sum's low bits -> accum_t (sign extension), or nothing
  VecCast result_cast;  // accum_t -> result_t
  VecCast act_cast;     // result_t -> activation result_t (linear, relu)
  std::vector<int32_t> sigmoid_out;  // table entries already cast to activation result_t
};

}  // namespace

struct ScorerPlan {
  explicit ScorerPlan(const FixedModel& m) : model(m), reference(m) {}
  FixedModel model;
  FixedPredictor reference;
  bool vectorised = false;
  int max_width = 0;
  std::vector<LayerPlan> layers;
};

namespace {

int64_t wrap_to(int64_t raw, const Spec& s) {
  const int drop = 64 - s.width;
  const auto u = static_cast<uint64_t>(raw) << drop;
  return s.is_signed ? static_cast<int64_t>(u) >> drop : static_cast<int64_t>(u >> drop);
}

void group_weights(const FixedDense& d, LayerPlan* p) {
  p->weights.clear();
  for (int j0 = 0; j0 < d.n_out; j0 += kGroup) {
    const int g = std::min(kGroup, d.n_out - j0);
    for (int i = 0; i < d.n_in; ++i) {
      for (int k = 0; k < g; ++k) {
        p->weights.push_back(static_cast<int32_t>(d.weights[i * d.n_out + j0 + k]));
      }
    }
  }
}

// The casts after the accumulator: result_t, then the activation.
bool plan_tail(const LaneValue& acc, const FixedDense& d, LayerPlan* p) {
  if (signed_width(d.result) > 32) return false;
  if (!plan_vec_cast(acc, d.result, &p->result_cast)) return false;
  if (d.activation == Activation::kSigmoid) return true;
  const LaneValue res{d.result.frac(), signed_width(d.result), true};
  return plan_vec_cast(res, d.activation_result, &p->act_cast);
}

bool plan_mod32(const Spec& x, const FixedDense& d, LayerPlan* p) {
  const Spec& a = d.accum;
  const Spec& r = d.result;
  if (a.overflow != Overflow::kWrap || a.sat_bits != 0) return false;
  const int s = x.frac() + d.weight.frac() - a.frac();
  const Quant aq = s > 0 ? a.quant : Quant::kTrn;
  if (aq != Quant::kTrn && aq != Quant::kRnd) return false;

  // How many low bits of the accumulator the result cast reads.
  const int sh_r = a.frac() - r.frac();
  const Quant rq = sh_r > 0 ? r.quant : Quant::kTrn;
  const bool result_modular =
      (rq == Quant::kTrn || rq == Quant::kRnd) && r.overflow == Overflow::kWrap && r.sat_bits == 0;
  const int needed = result_modular ? std::clamp(sh_r + r.width, 1, a.width) : a.width;
  if (needed + std::max(s, 0) > 32) return false;

  // The int32 sum is right modulo 2^32, but accum_t wraps at its own width: if the result cast
  // reads bits at or above it, they must be accum_t's sign (or zero) extension.
  LaneValue acc{a.frac(), signed_width(a), true};
  p->acc_cast = VecCast{};
  if (result_modular && needed < a.width) {
    acc.exact = false;
  } else if (needed < 32) {
    if (signed_width(a) > 32) return false;
    p->acc_cast.range = VecCast::Range::kWrap;
    p->acc_cast.wrap_bits = a.width;
    p->acc_cast.wrap_signed = a.is_signed;
  } else if (signed_width(a) > 32) {
    return false;  // a full 32-bit accumulator is exact as it stands only if it is ap_fixed
  }
  if (!plan_tail(acc, d, p)) return false;

  p->mod_shift = s > 0 ? s : -s;
  p->mod_op = s == 0              ? ModOp::kAdd
              : s < 0             ? ModOp::kSll
              : aq == Quant::kRnd ? ModOp::kRnd
                                  : ModOp::kSra;
  p->biases.clear();
  for (int64_t b : d.biases) {
    const int64_t acc_b = fixed::cast_raw(b, d.bias.frac(), a);
    p->biases.push_back(static_cast<int32_t>(static_cast<uint32_t>(acc_b)));
  }
  p->kind = Kind::kMod32;
  return true;
}

bool plan_exact32(const Spec& x, const FixedDense& d, LayerPlan* p) {
  const Spec& a = d.accum;
  const int prod_width = signed_width(x) + signed_width(d.weight);
  if (prod_width > 32 || signed_width(a) > 31) return false;
  const LaneValue prod{x.frac() + d.weight.frac(), prod_width, true};
  if (!plan_vec_cast(prod, a, &p->prod_cast)) return false;
  const LaneValue sum{a.frac(), signed_width(a) + 1, true};
  if (!plan_vec_cast(sum, a, &p->sum_cast)) return false;
  p->acc_cast = VecCast{};  // the accumulator is exact already
  if (!plan_tail(LaneValue{a.frac(), signed_width(a), true}, d, p)) return false;
  p->biases.clear();
  for (int64_t b : d.biases) {
    p->biases.push_back(static_cast<int32_t>(fixed::cast_raw(b, d.bias.frac(), a)));
  }
  p->kind = Kind::kExact32;
  return true;
}

// The per-product step of each kernel: acc = acc (+) cast(p).
struct AddOp {
  I32x8 operator()(I32x8 acc, I32x8 p) const { return acc + p; }
};
struct SraOp {
  int s;
  I32x8 operator()(I32x8 acc, I32x8 p) const { return acc + simd::sra(p, s); }
};
struct RndOp {
  int s;
  I32x8 half;
  I32x8 operator()(I32x8 acc, I32x8 p) const { return acc + simd::sra(p + half, s); }
};
struct SllOp {
  int s;
  I32x8 operator()(I32x8 acc, I32x8 p) const { return acc + simd::sll(p, s); }
};
struct ExactOp {
  const VecCast* prod;
  const VecCast* sum;
  I32x8 operator()(I32x8 acc, I32x8 p) const { return apply(*sum, acc + apply(*prod, p)); }
};

// G outputs for kRows rows. x: [n_in][kRows]; w: [n_in][G]; y: [G][kRows], the raw
// accumulators. The G * kVecs accumulators must live in registers: the unroll pragmas make
// sure they do at -O2.
template <int G, class Op>
inline void dense_group(int n_in, const int32_t* x, const int32_t* w, const int32_t* b, int32_t* y,
                        const Op& op) {
  I32x8 acc[G][kVecs];
#pragma GCC unroll 16
  for (int g = 0; g < G; ++g) {
#pragma GCC unroll 16
    for (int v = 0; v < kVecs; ++v) acc[g][v] = simd::splat(b[g]);
  }
  for (int i = 0; i < n_in; ++i) {
    I32x8 xv[kVecs];
#pragma GCC unroll 16
    for (int v = 0; v < kVecs; ++v) xv[v] = simd::load(x + i * kRows + v * simd::kLanes);
#pragma GCC unroll 16
    for (int g = 0; g < G; ++g) {
      const I32x8 wv = simd::splat(w[i * G + g]);
#pragma GCC unroll 16
      for (int v = 0; v < kVecs; ++v) acc[g][v] = op(acc[g][v], simd::mul_lo(xv[v], wv));
    }
  }
#pragma GCC unroll 16
  for (int g = 0; g < G; ++g) {
#pragma GCC unroll 16
    for (int v = 0; v < kVecs; ++v) simd::store(y + g * kRows + v * simd::kLanes, acc[g][v]);
  }
}

template <class Op>
void dense_block(const LayerPlan& p, const int32_t* x, int32_t* y, const Op& op) {
  const int32_t* w = p.weights.data();
  for (int j0 = 0; j0 < p.n_out; j0 += kGroup) {
    if (p.n_out - j0 >= kGroup) {
      dense_group<kGroup>(p.n_in, x, w, p.biases.data() + j0, y + j0 * kRows, op);
      w += p.n_in * kGroup;
    } else {
      dense_group<1>(p.n_in, x, w, p.biases.data() + j0, y + j0 * kRows, op);
      w += p.n_in;
    }
  }
}

// The casts after the accumulator, each as passes over the layer's outputs (n vectors), so
// that a mode is decided once per pass rather than once per vector.
void cast_pass(const VecCast& c, int32_t* y, int n) {
  auto each = [&](auto f) {
    for (int k = 0; k < n; ++k)
      simd::store(y + k * simd::kLanes, f(simd::load(y + k * simd::kLanes)));
  };
  if (c.shift > 0 && c.quant == Quant::kTrn) {
    each([s = c.shift](I32x8 v) { return simd::sra(v, s); });
  } else if (c.shift > 0) {
    VecCast q = c;  // rounding only; the range is the next pass
    q.range = VecCast::Range::kNone;
    each([&q](I32x8 v) { return apply(q, v); });
  } else if (c.shift < 0) {
    each([s = -c.shift](I32x8 v) { return simd::sll(v, s); });
  }
  switch (c.range) {
    case VecCast::Range::kNone:
      return;
    case VecCast::Range::kWrap:
      if (c.wrap_bits >= 32) return;
      if (c.wrap_signed) {
        each([d = 32 - c.wrap_bits](I32x8 v) { return simd::sra(simd::sll(v, d), d); });
      } else {
        const I32x8 m = simd::splat(static_cast<int32_t>((uint32_t{1} << c.wrap_bits) - 1));
        each([m](I32x8 v) { return v & m; });
      }
      return;
    case VecCast::Range::kClamp: {
      const I32x8 lo = simd::splat(c.lo), hi = simd::splat(c.hi);
      each([lo, hi](I32x8 v) { return simd::max(simd::min(v, hi), lo); });
      return;
    }
    case VecCast::Range::kZero: {
      const I32x8 lo = simd::splat(c.lo), hi = simd::splat(c.hi);
      each([lo, hi](I32x8 v) { return simd::andnot(simd::gt(v, hi) | simd::gt(lo, v), v); });
      return;
    }
  }
}

void relu_pass(int32_t* y, int n) {
  for (int k = 0; k < n; ++k) {
    const I32x8 v = simd::load(y + k * simd::kLanes);
    simd::store(y + k * simd::kLanes, simd::max(v, simd::splat(0)));
  }
}

void tail_block(const LayerPlan& p, int32_t* y) {
  const int n = p.n_out * kVecs;
  cast_pass(p.acc_cast, y, n);
  cast_pass(p.result_cast, y, n);
  if (p.layer.activation == Activation::kSigmoid) return;
  if (p.layer.activation == Activation::kRelu) relu_pass(y, n);
  cast_pass(p.act_cast, y, n);
}

// nnet::sigmoid's index for int32 inputs with F >= 0 (see sigmoid_index), without __int128:
// trunc(trunc(x * N / 16) / 2^F) = trunc(x * N / 2^(F + 4)), then C int wrap and clamp.
inline int fast_sigmoid_index(int32_t x, int shift, int n, uint32_t half) {
  const int64_t q = static_cast<int64_t>(x) * n;
  const int64_t bias = q < 0 ? (int64_t{1} << shift) - 1 : 0;
  auto index = static_cast<int32_t>(static_cast<uint32_t>((q + bias) >> shift) + half);
  if (index < 0) index = 0;
  if (index > n - 1) index = n - 1;
  return index;
}

void sigmoid_block(const LayerPlan& p, int table_size, int32_t* y) {
  const int f = p.layer.result.frac();
  if (f >= 0 && f + 4 < 40 && table_size <= (1 << 20)) {
    const uint32_t half = 8u * static_cast<uint32_t>(table_size) / 16u;
    for (int k = 0; k < p.n_out * kRows; ++k) {
      y[k] = p.sigmoid_out[fast_sigmoid_index(y[k], f + 4, table_size, half)];
    }
    return;
  }
  for (int k = 0; k < p.n_out * kRows; ++k) {
    y[k] = p.sigmoid_out[sigmoid_index(y[k], p.layer.result, table_size)];
  }
}

void scalar_block(const LayerPlan& p, const ScorerPlan& plan, const int32_t* x, int32_t* y) {
  std::vector<int64_t> xin(p.n_in), dense(p.n_out), act(p.n_out);
  for (int l = 0; l < kRows; ++l) {
    for (int i = 0; i < p.n_in; ++i) xin[i] = x[i * kRows + l];
    dense_latency(p.layer, p.in_spec, xin.data(), dense.data());
    activate(p.layer, plan.reference.sigmoid_table(), plan.model.sigmoid_table, dense.data(),
             act.data());
    for (int j = 0; j < p.n_out; ++j) y[j * kRows + l] = static_cast<int32_t>(act[j]);
  }
}

void layer_block(const LayerPlan& p, const ScorerPlan& plan, const int32_t* x, int32_t* y) {
  switch (p.kind) {
    case Kind::kScalar:
      scalar_block(p, plan, x, y);
      return;
    case Kind::kExact32:
      dense_block(p, x, y, ExactOp{&p.prod_cast, &p.sum_cast});
      break;
    case Kind::kMod32:
      switch (p.mod_op) {
        case ModOp::kAdd:
          dense_block(p, x, y, AddOp{});
          break;
        case ModOp::kSra:
          dense_block(p, x, y, SraOp{p.mod_shift});
          break;
        case ModOp::kRnd:
          dense_block(p, x, y, RndOp{p.mod_shift, simd::splat(int32_t{1} << (p.mod_shift - 1))});
          break;
        case ModOp::kSll:
          dense_block(p, x, y, SllOp{p.mod_shift});
          break;
      }
      break;
  }
  tail_block(p, y);
  if (p.layer.activation == Activation::kSigmoid) {
    sigmoid_block(p, plan.model.sigmoid_table_size, y);
  }
}

}  // namespace

BatchScorer::BatchScorer(const FixedModel& model) : plan_(std::make_unique<ScorerPlan>(model)) {
  ScorerPlan& plan = *plan_;
  bool fits = signed_width(model.input) <= 32;
  plan.max_width = model.layers.front().n_in;
  const Spec* in = &model.input;
  for (const FixedDense& d : model.layers) {
    fits = fits && signed_width(d.weight) <= 32 && signed_width(d.activation_result) <= 32;
    plan.max_width = std::max(plan.max_width, d.n_out);
    LayerPlan p;
    p.n_in = d.n_in;
    p.n_out = d.n_out;
    p.in_spec = *in;
    p.layer = d;
    group_weights(d, &p);
    if (!plan_mod32(*in, d, &p) && !plan_exact32(*in, d, &p)) p.kind = Kind::kScalar;
    if (d.activation == Activation::kSigmoid && p.kind != Kind::kScalar) {
      for (int64_t t : plan.reference.sigmoid_table()) {
        const int64_t v = fixed::cast_raw(t, model.sigmoid_table.frac(), d.activation_result);
        p.sigmoid_out.push_back(static_cast<int32_t>(v));
      }
    }
    plan.layers.push_back(std::move(p));
    in = &d.activation_result;
  }
  plan.vectorised = fits;
}

BatchScorer::~BatchScorer() = default;
BatchScorer::BatchScorer(BatchScorer&&) noexcept = default;
BatchScorer& BatchScorer::operator=(BatchScorer&&) noexcept = default;

int BatchScorer::n_in() const { return plan_->model.layers.front().n_in; }
int BatchScorer::n_out() const { return plan_->model.layers.back().n_out; }
bool BatchScorer::vectorised() const { return plan_->vectorised; }

std::string BatchScorer::describe() const {
  if (!plan_->vectorised) return "scalar reference";
  std::string s;
  for (size_t k = 0; k < plan_->layers.size(); ++k) {
    const Kind kind = plan_->layers[k].kind;
    if (k) s += ' ';
    s += "L" + std::to_string(k) + ":" +
         (kind == Kind::kMod32     ? "mod32"
          : kind == Kind::kExact32 ? "exact32"
                                   : "scalar");
  }
  return s;
}

void BatchScorer::score(const int64_t* x_raw, size_t n_rows, int64_t* out_raw) const {
  const ScorerPlan& plan = *plan_;
  const size_t n_in = plan.model.layers.front().n_in;
  const size_t n_out = plan.model.layers.back().n_out;
  if (!plan.vectorised) {
    for (size_t r = 0; r < n_rows; ++r) {
      plan.reference.predict(x_raw + r * n_in, out_raw + r * n_out);
    }
    return;
  }
  // Two ping-pong buffers of [feature][kRows] int32, 32-byte aligned.
  const size_t buf_len = static_cast<size_t>(plan.max_width) * kRows;
  std::vector<int32_t> storage(2 * buf_len + 8);
  void* raw = storage.data();
  size_t space = storage.size() * sizeof(int32_t);
  auto* base = static_cast<int32_t*>(std::align(32, 2 * buf_len * sizeof(int32_t), raw, space));
  int32_t* cur = base;
  int32_t* next = base + buf_len;
  const Spec& in_spec = plan.model.input;

  for (size_t r0 = 0; r0 < n_rows; r0 += kRows) {
    const int rows = static_cast<int>(std::min<size_t>(kRows, n_rows - r0));
    for (size_t i = 0; i < n_in; ++i) {
      int32_t* col = cur + i * kRows;
      for (int l = 0; l < rows; ++l) {
        col[l] = static_cast<int32_t>(wrap_to(x_raw[(r0 + l) * n_in + i], in_spec));
      }
      std::fill(col + rows, col + kRows, 0);
    }
    for (const LayerPlan& p : plan.layers) {
      layer_block(p, plan, cur, next);
      std::swap(cur, next);
    }
    for (int l = 0; l < rows; ++l) {
      for (size_t j = 0; j < n_out; ++j) out_raw[(r0 + l) * n_out + j] = cur[j * kRows + l];
    }
  }
}

}  // namespace l1t::nn
