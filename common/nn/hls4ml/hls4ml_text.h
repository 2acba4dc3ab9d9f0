// The decimal text of weights as hls4ml writes it (weights/*.txt and the weights/*.h
// initialisers) and as its C simulation reads it back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/fixed/spec.h"

namespace l1t::nn {

// How many decimals hls4ml prints for a value of this type: max(0, W - I), as
// WeightVariable.update_precision sets its '{:.Nf}' format.
int hls4ml_decimals(const fixed::Spec& spec);

// raw * 2^-(W-I) with hls4ml_decimals(spec) decimals. Exact, never rounded: 2^-F has exactly F
// decimals, so the text is the fixed-point value itself (computed in decimal digits, not through
// a double, so any width works).
std::string format_fixed(int64_t raw, const fixed::Spec& spec);

// The text of one weights/*.txt file: decimals separated by commas (hls4ml writes ", " and no
// newline; newlines are accepted as separators too, and a trailing separator is ignored). Each
// value is read as nnet::load_weights_from_txt reads it: to the nearest double (then the caller
// converts with fixed::from_double, as ap_fixed's operator>> does). On error says which value
// (1-based) is wrong and why.
bool parse_weight_values(std::string_view text, std::vector<double>* values, std::string* error);

}  // namespace l1t::nn
