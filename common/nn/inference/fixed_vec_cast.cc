#include "common/nn/inference/fixed_vec_cast.h"

namespace l1t::nn {

bool plan_vec_cast(const LaneValue& src, const fixed::Spec& dst, VecCast* out) {
  using fixed::Overflow;
  using fixed::Quant;
  if (signed_width(dst) > 32) return false;
  VecCast c;
  c.shift = src.frac - dst.frac();
  c.quant = c.shift > 0 ? dst.quant : Quant::kTrn;
  // Rounding looks at the deleted bits through int32 masks and at the sign of the exact value.
  if (c.quant != Quant::kTrn && c.shift > 30) return false;
  const bool sign_free = c.quant == Quant::kTrn || c.quant == Quant::kRnd;
  if (!src.exact && !sign_free) return false;
  if (c.shift <= -32) c.shift = -32;  // every bit shifted out: sll gives 0 either way
  if (c.shift >= 32) c.shift = 32;    // sra fills with the sign either way

  // The signed width of the value after quantisation, if the source is exact: flooring by s
  // bits removes s bits; rounding may add one LSB, hence one more bit.
  int width = src.signed_width;
  if (c.shift > 0 && c.quant == Quant::kTrn) width = width - c.shift < 1 ? 1 : width - c.shift;
  if (c.shift > 0 && c.quant != Quant::kTrn) width = width - c.shift < 1 ? 2 : width - c.shift + 1;
  if (c.shift < 0) width -= c.shift;

  const bool plain_wrap = dst.overflow == Overflow::kWrap && dst.sat_bits == 0;
  if (plain_wrap) {
    // Modular: the low W bits are right whatever happened above them.
    c.range = VecCast::Range::kWrap;
    c.wrap_bits = dst.width;
    c.wrap_signed = dst.is_signed;
    if (src.exact && dst.is_signed && width <= dst.width) {
      c.range = VecCast::Range::kNone;  // provably in range: nothing to wrap
    }
    *out = c;
    return true;
  }
  if (!src.exact || width > 32) return false;  // a saturating check needs the exact value
  const int64_t hi = dst.max_raw();
  const int64_t lo = dst.min_raw();
  switch (dst.overflow) {
    case Overflow::kSat:
      c.range = VecCast::Range::kClamp;
      c.lo = static_cast<int32_t>(lo);
      c.hi = static_cast<int32_t>(hi);
      break;
    case Overflow::kSatSym:
      c.range = VecCast::Range::kClamp;
      // ap_fixed's symmetric floor is min | 1: -max, or -1 for a 1-bit ap_fixed.
      c.lo = static_cast<int32_t>(!dst.is_signed ? lo : dst.width == 1 ? -1 : -hi);
      c.hi = static_cast<int32_t>(hi);
      break;
    case Overflow::kSatZero:
      c.range = VecCast::Range::kZero;
      c.lo = static_cast<int32_t>(lo);
      c.hi = static_cast<int32_t>(hi);
      break;
    default:
      return false;  // AP_WRAP_SM and AP_WRAP with saturation bits: scalar path
  }
  *out = c;
  return true;
}

}  // namespace l1t::nn
