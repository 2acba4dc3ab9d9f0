#include "common/fixed/arith.h"

#include <algorithm>

namespace l1t::fixed {
namespace {

// The integer bits of a sum/difference: ap_fixed_base::RType::plus_i.
int sum_integer(const Spec& a, const Spec& b) {
  return std::max(a.integer + (b.is_signed && !a.is_signed ? 1 : 0),
                  b.integer + (a.is_signed && !b.is_signed ? 1 : 0)) +
         1;
}

}  // namespace

Spec mult_spec(const Spec& a, const Spec& b) {
  Spec s;
  s.width = a.width + b.width;
  s.integer = a.integer + b.integer;
  s.is_signed = a.is_signed || b.is_signed;
  return s;
}

Spec plus_spec(const Spec& a, const Spec& b) {
  Spec s;
  s.integer = sum_integer(a, b);
  s.width = s.integer + std::max(a.frac(), b.frac());
  s.is_signed = a.is_signed || b.is_signed;
  return s;
}

Spec minus_spec(const Spec& a, const Spec& b) {
  Spec s = plus_spec(a, b);
  s.is_signed = true;
  return s;
}

__int128 align_raw(__int128 raw, int from_frac, int to_frac) {
  if (to_frac - from_frac >= 128) return 0;
  return static_cast<__int128>(static_cast<unsigned __int128>(raw) << (to_frac - from_frac));
}

__int128 mult_raw(int64_t a, int64_t b) { return static_cast<__int128>(a) * b; }

__int128 plus_raw(int64_t a, const Spec& as, int64_t b, const Spec& bs) {
  const int f = std::max(as.frac(), bs.frac());
  return align_raw(a, as.frac(), f) + align_raw(b, bs.frac(), f);
}

__int128 minus_raw(int64_t a, const Spec& as, int64_t b, const Spec& bs) {
  const int f = std::max(as.frac(), bs.frac());
  return align_raw(a, as.frac(), f) - align_raw(b, bs.frac(), f);
}

}  // namespace l1t::fixed
