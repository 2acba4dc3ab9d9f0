#include "common/fixed/spec.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

namespace l1t::fixed {
namespace {

constexpr const char* kQuantNames[] = {"AP_TRN",         "AP_TRN_ZERO", "AP_RND",     "AP_RND_ZERO",
                                       "AP_RND_MIN_INF", "AP_RND_INF",  "AP_RND_CONV"};
constexpr const char* kOverflowNames[] = {"AP_WRAP", "AP_SAT", "AP_SAT_ZERO", "AP_SAT_SYM",
                                          "AP_WRAP_SM"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool parse_int(std::string_view s, int* out) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool fail(std::string* error, std::string_view text, const std::string& why) {
  if (error) *error = "bad fixed-point type '" + std::string(text) + "': " + why;
  return false;
}

}  // namespace

const char* quant_name(Quant q) { return kQuantNames[static_cast<int>(q)]; }
const char* overflow_name(Overflow o) { return kOverflowNames[static_cast<int>(o)]; }

// Specs wider than int64 (the exact results of arith.h) saturate to int64's range here.
int64_t Spec::max_raw() const {
  const int magnitude_bits = is_signed ? width - 1 : width;
  if (magnitude_bits >= 63) return INT64_MAX;
  return static_cast<int64_t>((uint64_t{1} << magnitude_bits) - 1);
}

int64_t Spec::min_raw() const {
  if (!is_signed) return 0;
  if (width >= 64) return INT64_MIN;
  return -static_cast<int64_t>(uint64_t{1} << (width - 1));
}

double Spec::lsb() const { return std::ldexp(1.0, -frac()); }

std::string Spec::str() const {
  std::string s = is_signed ? "ap_fixed<" : "ap_ufixed<";
  s += std::to_string(width) + "," + std::to_string(integer);
  // hls4ml spells the modes positionally, so a later non-default forces the earlier ones out.
  const bool need_n = sat_bits != 0;
  const bool need_o = need_n || overflow != Overflow::kWrap;
  const bool need_q = need_o || quant != Quant::kTrn;
  if (need_q) s += std::string(",") + quant_name(quant);
  if (need_o) s += std::string(",") + overflow_name(overflow);
  if (need_n) s += "," + std::to_string(sat_bits);
  return s + ">";
}

std::ostream& operator<<(std::ostream& os, const Spec& spec) { return os << spec.str(); }

bool check_spec(const Spec& spec, std::string* error) {
  const std::string text = spec.str();
  const int max_width = spec.is_signed ? 64 : 63;
  if (spec.width < 1 || spec.width > max_width) {
    return fail(error, text,
                "width " + std::to_string(spec.width) + " is out of range 1.." +
                    std::to_string(max_width) +
                    (spec.is_signed ? "" : " (unsigned raw must fit int64)"));
  }
  if (spec.integer < -kMaxIntegerMagnitude || spec.integer > kMaxIntegerMagnitude) {
    return fail(error, text,
                "integer bits " + std::to_string(spec.integer) + " out of range -" +
                    std::to_string(kMaxIntegerMagnitude) + ".." +
                    std::to_string(kMaxIntegerMagnitude));
  }
  if (spec.sat_bits < 0 || spec.sat_bits > spec.width) {
    return fail(error, text,
                "saturation bits " + std::to_string(spec.sat_bits) + " out of range 0.." +
                    std::to_string(spec.width));
  }
  if (!spec.is_signed && spec.overflow == Overflow::kWrapSm) {
    return fail(error, text, "AP_WRAP_SM does not exist for ap_ufixed");
  }
  return true;
}

bool parse_spec(std::string_view text, Spec* out, std::string* error) {
  std::string_view s = trim(text);
  const size_t open = s.find('<');
  if (open == std::string_view::npos) return fail(error, text, "missing '<'");
  if (s.back() != '>') return fail(error, text, "missing '>' at the end");
  const std::string_view name = trim(s.substr(0, open));
  const std::string_view body = s.substr(open + 1, s.size() - open - 2);
  if (body.find_first_of("<>") != std::string_view::npos) {
    return fail(error, text, "unexpected '<' or '>' inside the argument list");
  }

  std::vector<std::string_view> args;
  for (size_t pos = 0;;) {
    const size_t comma = body.find(',', pos);
    args.push_back(
        trim(body.substr(pos, comma == std::string_view::npos ? body.npos : comma - pos)));
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  for (const auto& a : args) {
    if (a.empty()) return fail(error, text, "empty template argument");
  }

  Spec spec;
  size_t first_mode = 2;
  if (name == "ap_fixed" || name == "ap_ufixed") {
    spec.is_signed = name == "ap_fixed";
    if (args.size() < 2) return fail(error, text, "expected <W,I[,Q[,O[,N]]]>");
    if (args.size() > 5) return fail(error, text, "too many template arguments (at most 5)");
    if (!parse_int(args[0], &spec.width)) {
      return fail(error, text, "width '" + std::string(args[0]) + "' is not an integer");
    }
    if (!parse_int(args[1], &spec.integer)) {
      return fail(error, text, "integer bits '" + std::string(args[1]) + "' is not an integer");
    }
  } else if (name == "ap_int" || name == "ap_uint") {
    spec.is_signed = name == "ap_int";
    if (args.size() != 1) return fail(error, text, "expected <W>");
    if (!parse_int(args[0], &spec.width)) {
      return fail(error, text, "width '" + std::string(args[0]) + "' is not an integer");
    }
    spec.integer = spec.width;
    first_mode = args.size();
  } else {
    return fail(error, text,
                "unknown type name '" + std::string(name) +
                    "' (expected ap_fixed, ap_ufixed, ap_int or ap_uint)");
  }

  if (args.size() > first_mode) {
    bool found = false;
    for (int q = 0; q < 7; ++q) {
      if (args[first_mode] == kQuantNames[q]) {
        spec.quant = static_cast<Quant>(q);
        found = true;
      }
    }
    if (!found) {
      return fail(error, text, "unknown quantisation mode '" + std::string(args[first_mode]) + "'");
    }
  }
  if (args.size() > first_mode + 1) {
    bool found = false;
    for (int o = 0; o < 5; ++o) {
      if (args[first_mode + 1] == kOverflowNames[o]) {
        spec.overflow = static_cast<Overflow>(o);
        found = true;
      }
    }
    if (!found) {
      return fail(error, text, "unknown overflow mode '" + std::string(args[first_mode + 1]) + "'");
    }
  }
  if (args.size() > first_mode + 2 && !parse_int(args[first_mode + 2], &spec.sat_bits)) {
    return fail(error, text,
                "saturation bits '" + std::string(args[first_mode + 2]) + "' is not an integer");
  }

  std::string why;
  if (!check_spec(spec, &why)) {
    // Report against the caller's text, not our re-spelling of it.
    return fail(error, text, why.substr(why.find("': ") + 3));
  }
  *out = spec;
  return true;
}

}  // namespace l1t::fixed
