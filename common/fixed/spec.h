// A fixed-point precision chosen at run time: the ap_fixed<W, I, Q, O, N> template arguments as
// data.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace l1t::fixed {

// Quantisation modes, named as in Xilinx's ap_fixed.
enum class Quant { kTrn, kTrnZero, kRnd, kRndZero, kRndMinInf, kRndInf, kRndConv };
// Overflow modes, named as in Xilinx's ap_fixed.
enum class Overflow { kWrap, kSat, kSatZero, kSatSym, kWrapSm };

struct Spec {
  int width = 16;   // W: total bits, 1..64
  int integer = 6;  // I: integer bits incl. sign; may be negative or above W
  bool is_signed = true;
  Quant quant = Quant::kTrn;
  Overflow overflow = Overflow::kWrap;
  int sat_bits = 0;  // N: saturation bits for AP_WRAP / AP_WRAP_SM

  int frac() const { return width - integer; }
  int64_t max_raw() const;
  int64_t min_raw() const;
  double lsb() const;
  // hls4ml spelling, defaults omitted: "ap_fixed<16,6>", "ap_ufixed<8,3,AP_RND_CONV,AP_SAT>".
  std::string str() const;
  bool operator==(const Spec&) const = default;
};

// Parses the hls4ml spelling. On error returns false and says what is wrong in *error.
// Also accepts ap_int<W> / ap_uint<W> (= ap_fixed<W,W>). Whitespace around tokens is ignored.
bool parse_spec(std::string_view text, Spec* out, std::string* error);

// Integer bits beyond this magnitude are rejected: far outside anything a trigger uses, and it
// keeps every shift count comfortably inside int.
inline constexpr int kMaxIntegerMagnitude = 1024;

// Whether a Spec is one this engine supports: width 1..64 (1..63 unsigned, so the raw fits
// int64_t), |integer| <= kMaxIntegerMagnitude, 0 <= sat_bits <= width, no unsigned AP_WRAP_SM.
bool check_spec(const Spec& spec, std::string* error);

// Prints spec.str() (also makes test failures readable).
std::ostream& operator<<(std::ostream& os, const Spec& spec);

// The ap_fixed spelling of a mode: "AP_RND_CONV", "AP_SAT_SYM", ...
const char* quant_name(Quant q);
const char* overflow_name(Overflow o);

}  // namespace l1t::fixed
