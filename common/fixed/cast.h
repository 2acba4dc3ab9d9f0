// Conversions into a fixed-point precision, with ap_fixed's quantisation and overflow rules.
#pragma once

#include <cstdint>

#include "common/fixed/spec.h"

namespace l1t::fixed {

// The exact value raw * 2^-src_frac, quantised then overflowed into dst. Returns dst's raw integer.
// Bit-exact with ap_fixed_base's conversion (operator=) for any source that fits 128 bits: the
// value is rounded onto dst's grid by dst.quant, then, if the rounded value lies outside dst's
// range, dst.overflow decides (AP_SAT_SYM also maps the most negative value to -max; AP_WRAP and
// AP_WRAP_SM with N saturation bits follow the header's bit rules). Any src_frac is allowed:
// shifts beyond 128 bits are handled. dst must pass check_spec (unsigned AP_WRAP_SM, which the
// header refuses to build, saturates). No exceptions, no allocation.
int64_t cast_raw(__int128 raw, int src_frac, const Spec& dst);

// Rounds/overflows a double exactly as ap_fixed's constructor from double does: the double is
// decomposed exactly (mantissa * 2^exp, any exponent, subnormals included) and cast_raw'd.
// Special values: +-0 -> 0; +-inf -> as the header reads them, +-2^1024 (saturates in the
// AP_SAT modes, 0 in AP_WRAP and AP_SAT_ZERO); NaN -> 0 in every mode (the header would read
// it as +-(1.m)*2^1024). One knowing difference: the header gives subnormals an implicit
// leading 1, so it disagrees with this exact decomposition when dst has more than ~1022
// fraction bits.
int64_t from_double(double x, const Spec& dst);

// raw * 2^-frac, rounded to nearest-even once (as ap_fixed's to_double) when raw has more than
// 53 significant bits.
double to_double(int64_t raw, const Spec& spec);

}  // namespace l1t::fixed
