// The ap_fixed conversion, restated on exact integers. Xilinx's headers work on the bits of a
// finite source (quantise by the deleted bits, then judge overflow from the bits above the new
// sign bit); that is equivalent to: round the exact value to the destination grid, compare the
// rounded value with the destination range, and on overflow apply the mode's bit rule. The two
// places where the header's bits leak into the result (AP_WRAP_SM's lD, the sign used by the
// N-bit modes) are reproduced below.
#include "common/fixed/cast.h"

#include <cmath>
#include <cstring>

namespace l1t::fixed {
namespace {

using i128 = __int128;
using u128 = unsigned __int128;

// Bit k of v's infinite two's-complement expansion.
bool bit_at(i128 v, int64_t k) {
  if (k < 0) return false;
  if (k >= 127) return v < 0;
  return ((v >> k) & 1) != 0;
}

// Whether any of bits [0, k) of v's infinite two's-complement expansion is set.
bool low_bits_nonzero(i128 v, int64_t k) {
  if (k <= 0) return false;
  if (k >= 128) return v != 0;
  return (static_cast<u128>(v) << (128 - k)) != 0;
}

// ap_fixed's quantization_adjust: whether to add one LSB to the floored value.
// qb: first deleted bit; rest: any deleted bit below qb; neg: source negative; lsb: kept LSB.
bool round_up(Quant q, bool qb, bool rest, bool neg, bool lsb) {
  switch (q) {
    case Quant::kTrn:
      return false;
    case Quant::kRnd:
      return qb;
    case Quant::kRndZero:
      return qb && (neg || rest);
    case Quant::kRndMinInf:
      return qb && rest;
    case Quant::kRndInf:
      return qb && (!neg || rest);
    case Quant::kRndConv:
      return qb && (lsb || rest);
    case Quant::kTrnZero:
      return neg && (qb || rest);
  }
  return false;
}

uint64_t low_mask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

// Bits [lo, hi] of v set to all ones (ones) or all zeros.
uint64_t set_range(uint64_t v, int lo, int hi, bool ones) {
  if (hi < lo) return v;
  const uint64_t m = low_mask(hi - lo + 1) << lo;
  return ones ? (v | m) : (v & ~m);
}

uint64_t set_bit(uint64_t v, int k, bool one) { return set_range(v, k, k, one); }

int64_t to_raw(uint64_t bits, const Spec& dst) {
  const int w = dst.width;
  bits &= low_mask(w);
  if (dst.is_signed && w < 64 && ((bits >> (w - 1)) & 1)) bits |= ~low_mask(w);
  return static_cast<int64_t>(bits);
}

// overflow_adjust for the wrapping modes. bits: the rounded value's low W bits; neg: the
// rounded value is negative; ld: the source bit just above the destination's sign bit.
uint64_t wrap_adjust(uint64_t bits, const Spec& dst, bool neg, bool ld) {
  const int w = dst.width;
  const int n = dst.sat_bits;
  const uint64_t mask = low_mask(w);
  if (dst.overflow == Overflow::kWrap) {
    if (n == 0) return bits;
    if (!dst.is_signed) return set_range(bits, w - n, w - 1, true);
    bits = set_bit(bits, w - 1, neg);
    if (n > 1) bits = set_range(bits, w - n, w - 2, !neg);
    return bits;
  }
  // AP_WRAP_SM (signed only; check_spec rejects it for ap_ufixed).
  const bool ro = (bits >> (w - 1)) & 1;
  if (n == 0) {
    if (ld != ro) bits = set_bit(~bits & mask, w - 1, ld);
    return bits;
  }
  if (n == 1) {
    if (neg != ro) bits = ~bits & mask;
  } else {
    const bool lno = (bits >> (w - n)) & 1;
    if (lno == neg) bits = ~bits & mask;
    bits = set_range(bits, w - n, w - 2, !neg);
  }
  return set_bit(bits, w - 1, neg);
}

}  // namespace

int64_t cast_raw(__int128 raw, int src_frac, const Spec& dst) {
  const int w = dst.width;
  const int64_t d = static_cast<int64_t>(src_frac) - dst.frac();  // bits to delete (<0: append)
  const bool neg = raw < 0;

  // r: the value rounded onto dst's grid, exact unless `huge` (then |r| >= 2^126 and only its
  // low 128 bits are kept in `bits`). ld: bit W of the floored value, before rounding.
  i128 r = 0;
  u128 bits = 0;
  bool huge = false;
  bool ld = false;
  if (d > 0) {
    const i128 floored = d >= 127 ? (neg ? -1 : 0) : (raw >> d);
    const bool up = round_up(dst.quant, bit_at(raw, d - 1), low_bits_nonzero(raw, d - 1), neg,
                             (floored & 1) != 0);
    r = floored + (up ? 1 : 0);
    ld = bit_at(floored, w);
    bits = static_cast<u128>(r);
  } else {
    const int64_t sh = -d;
    if (raw == 0) {
      r = 0;
    } else if (sh <= 126 && ((raw >> (126 - sh)) == 0 || (raw >> (126 - sh)) == -1)) {
      r = static_cast<i128>(static_cast<u128>(raw) << sh);
    } else {
      huge = true;
    }
    bits = sh >= 128 ? 0 : static_cast<u128>(raw) << sh;
    ld = w >= sh && bit_at(raw, w - sh);
  }

  const i128 hi = dst.max_raw();
  const i128 lo = dst.min_raw();
  const bool sym = dst.is_signed && dst.overflow == Overflow::kSatSym;
  const bool over = huge ? !neg : r > hi;
  const bool under = huge ? neg : (r < lo || (sym && r == lo));
  if (!over && !under) return static_cast<int64_t>(r);

  switch (dst.overflow) {
    case Overflow::kSatZero:
      return 0;
    case Overflow::kWrap:
      return to_raw(wrap_adjust(static_cast<uint64_t>(bits), dst, under, ld), dst);
    case Overflow::kWrapSm:
      if (dst.is_signed)
        return to_raw(wrap_adjust(static_cast<uint64_t>(bits), dst, under, ld), dst);
      [[fallthrough]];  // unsigned AP_WRAP_SM: the header falls through to saturation
    case Overflow::kSat:
    case Overflow::kSatSym:
      if (over) return dst.max_raw();
      // AP_SAT_SYM's floor is min | 1 in W bits: -max, except for ap_fixed<1,..> where it is -1.
      return sym ? to_raw((uint64_t{1} << (w - 1)) | 1, dst) : dst.min_raw();
  }
  return 0;
}

int64_t from_double(double x, const Spec& dst) {
  if (std::isnan(x)) return 0;
  // The header reads inf as 1.0 * 2^1024 with the sign bit; do exactly that.
  if (std::isinf(x)) return cast_raw(x < 0 ? -1 : 1, -1024, dst);
  if (x == 0) return 0;  // also -0
  int exp = 0;
  const double mant = std::frexp(x, &exp);  // x = mant * 2^exp, 0.5 <= |mant| < 1, exact
  const auto m = static_cast<int64_t>(std::ldexp(mant, 53));  // exact 53-bit integer
  return cast_raw(m, 53 - exp, dst);
}

double to_double(int64_t raw, const Spec& spec) {
  // int64 -> double rounds to nearest even once; ldexp then scales exactly (barring denormals).
  return std::ldexp(static_cast<double>(raw), -spec.frac());
}

}  // namespace l1t::fixed
