// Conversions into a fixed-point precision, with ap_fixed's quantisation and overflow rules.
#pragma once

#include <cstdint>

#include "common/fixed/spec.h"

namespace l1t::fixed {

// The exact value raw * 2^-src_frac, quantised then overflowed into dst. Returns dst's raw integer.
int64_t cast_raw(__int128 raw, int src_frac, const Spec& dst);

// Rounds/overflows a double exactly as ap_fixed's constructor from double does.
int64_t from_double(double x, const Spec& dst);

double to_double(int64_t raw, const Spec& spec);

}  // namespace l1t::fixed
