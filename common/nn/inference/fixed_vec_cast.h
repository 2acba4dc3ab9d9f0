// An ap_fixed conversion applied to eight int32 lanes at once. Planned once per model (which
// casts can be expressed in int32 without losing a bit is decided by plan_vec_cast), then
// applied per vector in the scorer's loops.
#pragma once

#include <cstdint>

#include "common/fixed/spec.h"
#include "common/nn/inference/fixed_simd.h"

namespace l1t::nn {

struct VecCast {
  enum class Range { kNone, kWrap, kClamp, kZero };
  int shift = 0;  // source frac - destination frac: > 0 deletes bits, < 0 appends zeros
  fixed::Quant quant = fixed::Quant::kTrn;  // kTrn whenever no bit is deleted
  Range range = Range::kNone;
  int wrap_bits = 32;       // kWrap: keep this many low bits ...
  bool wrap_signed = true;  // ... and sign- or zero-extend them
  int32_t lo = 0;           // kClamp: clamp to [lo, hi]; kZero: 0 outside [lo, hi]
  int32_t hi = 0;
};

// Where a value lives: its raw range is that of a Spec of this signed width (W, or W + 1 for
// unsigned) and it is either exact, or only its low `valid_bits` bits are right (modular).
struct LaneValue {
  int frac = 0;
  int signed_width = 32;  // exact values: raw fits a signed integer of this width (<= 32)
  bool exact = true;
};

// Plans the cast of a lane value into dst. Returns false if the cast cannot be done exactly in
// int32 lanes (AP_WRAP_SM or saturation bits, a deleted-bit count the rounding cannot handle,
// a left shift that could overflow before a saturating check, a destination wider than int32,
// or a mode that needs the exact value of a modular input). A modular input may only feed a
// TRN/RND + plain AP_WRAP destination whose bits all come from the source's valid bits; the
// caller guarantees that.
bool plan_vec_cast(const LaneValue& src, const fixed::Spec& dst, VecCast* out);

// Signed width of a Spec's raws: W for ap_fixed, W + 1 for ap_ufixed.
inline int signed_width(const fixed::Spec& s) { return s.width + (s.is_signed ? 0 : 1); }

[[gnu::always_inline]] inline simd::I32x8 apply(const VecCast& c, simd::I32x8 v) {
  using namespace simd;
  if (c.shift > 0) {
    const I32x8 floored = sra(v, c.shift);
    if (c.quant != fixed::Quant::kTrn) {
      // planned only for shift <= 30, so these masks are exact
      const I32x8 half = splat(int32_t{1} << (c.shift - 1));
      const I32x8 below = half - splat(1);
      const I32x8 rem = v & (half | below);
      const I32x8 qb = gt(rem, below);
      const I32x8 rest = gt(rem & below, splat(0));
      I32x8 up;
      switch (c.quant) {
        case fixed::Quant::kRnd:
          up = qb;
          break;
        case fixed::Quant::kRndZero:
          up = qb & (gt(splat(0), v) | rest);
          break;
        case fixed::Quant::kRndMinInf:
          up = qb & rest;
          break;
        case fixed::Quant::kRndInf:
          up = qb & (andnot(gt(splat(0), v), splat(-1)) | rest);
          break;
        case fixed::Quant::kRndConv:
          up = qb & (eq(floored & splat(1), splat(1)) | rest);
          break;
        case fixed::Quant::kTrnZero:
          up = gt(splat(0), v) & (qb | rest);
          break;
        default:
          up = splat(0);
          break;
      }
      v = floored - up;  // up is all ones (-1) where one LSB is added
    } else {
      v = floored;
    }
  } else if (c.shift < 0) {
    v = sll(v, -c.shift);
  }
  switch (c.range) {
    case VecCast::Range::kNone:
      return v;
    case VecCast::Range::kWrap:
      if (c.wrap_bits >= 32) return v;
      if (c.wrap_signed) return sra(sll(v, 32 - c.wrap_bits), 32 - c.wrap_bits);
      return v & splat(static_cast<int32_t>((uint32_t{1} << c.wrap_bits) - 1));
    case VecCast::Range::kClamp:
      return max(min(v, splat(c.hi)), splat(c.lo));
    case VecCast::Range::kZero:
      return andnot(gt(v, splat(c.hi)) | gt(splat(c.lo), v), v);
  }
  return v;
}

}  // namespace l1t::nn
