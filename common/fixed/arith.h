// Exact ap_fixed arithmetic: the result types Xilinx's headers give a*b, a+b and a-b, and the
// raw results in those types. Results are wider than any storable Spec (up to 2*64 bits), so
// their raws are __int128 and their Specs may exceed check_spec's 64-bit width limit.
#pragma once

#include <cstdint>

#include "common/fixed/spec.h"

namespace l1t::fixed {

// a*b is exact in ap_fixed<W1+W2, I1+I2>, signed if either operand is.
Spec mult_spec(const Spec& a, const Spec& b);
// a+b: one integer bit more than the wider operand, plus one for an unsigned operand that
// meets a signed one; as many fraction bits as the finer operand.
Spec plus_spec(const Spec& a, const Spec& b);
// a-b: as a+b, but always signed.
Spec minus_spec(const Spec& a, const Spec& b);

// raw * 2^-from_frac re-expressed with to_frac fraction bits. Exact when to_frac >= from_frac
// and the result fits in 128 bits (always so for operands of width <= 64 whose fraction bits
// differ by less than 64); otherwise the low 128 bits.
__int128 align_raw(__int128 raw, int from_frac, int to_frac);

// Raw results of the exact operations, in mult_spec / plus_spec / minus_spec.
__int128 mult_raw(int64_t a, int64_t b);
__int128 plus_raw(int64_t a, const Spec& as, int64_t b, const Spec& bs);
__int128 minus_raw(int64_t a, const Spec& as, int64_t b, const Spec& bs);

}  // namespace l1t::fixed
