#include "common/nn/hls4ml/hls4ml_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace l1t::nn {
namespace {

// A non-negative integer as little-endian decimal digits: enough arithmetic for exact text.
using Digits = std::vector<uint8_t>;

Digits to_digits(uint64_t v) {
  Digits d;
  do {
    d.push_back(static_cast<uint8_t>(v % 10));
    v /= 10;
  } while (v != 0);
  return d;
}

void multiply(Digits* d, int factor) {
  int carry = 0;
  for (auto& digit : *d) {
    const int x = digit * factor + carry;
    digit = static_cast<uint8_t>(x % 10);
    carry = x / 10;
  }
  while (carry != 0) {
    d->push_back(static_cast<uint8_t>(carry % 10));
    carry /= 10;
  }
}

void append(const Digits& d, size_t min_digits, std::string* out) {
  for (size_t i = std::max(d.size(), min_digits); i-- > 0;) {
    out->push_back(static_cast<char>('0' + (i < d.size() ? d[i] : 0)));
  }
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.substr(0, 1))) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.substr(s.size() - 1))) s.remove_suffix(1);
  return s;
}

}  // namespace

int hls4ml_decimals(const fixed::Spec& spec) { return std::max(0, spec.frac()); }

std::string format_fixed(int64_t raw, const fixed::Spec& spec) {
  // Two's complement negation in uint64_t also covers INT64_MIN.
  const uint64_t magnitude = raw < 0 ? ~static_cast<uint64_t>(raw) + 1 : static_cast<uint64_t>(raw);
  const int frac = spec.frac();
  std::string out = raw < 0 ? "-" : "";
  if (frac <= 0) {  // an integer: magnitude * 2^-frac
    Digits d = to_digits(magnitude);
    for (int i = 0; i < -frac; ++i) multiply(&d, 2);
    append(d, 1, &out);
    return out;
  }
  const uint64_t int_part = frac >= 64 ? 0 : magnitude >> frac;
  const uint64_t frac_bits = frac >= 64 ? magnitude : magnitude & ((uint64_t{1} << frac) - 1);
  append(to_digits(int_part), 1, &out);
  out.push_back('.');
  // frac_bits / 2^F = frac_bits * 5^F / 10^F: the F decimals are frac_bits * 5^F, zero-padded.
  Digits d = to_digits(frac_bits);
  for (int i = 0; i < frac; ++i) multiply(&d, 5);
  append(d, static_cast<size_t>(frac), &out);
  return out;
}

bool parse_weight_values(std::string_view text, std::vector<double>* values, std::string* error) {
  values->clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(",\n", start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view rest = text.substr(start);
    std::string_view token = trim(text.substr(start, end - start));
    const size_t number = values->size() + 1;
    if (token.empty()) {
      if (is_blank(rest)) break;  // a trailing separator or newline
      *error = "value " + std::to_string(number) + " is empty (two separators in a row)";
      return false;
    }
    std::string_view digits = token;
    if (digits.front() == '+') digits.remove_prefix(1);  // C++ streams accept it, from_chars not
    double v = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec == std::errc::result_out_of_range) {
      *error = "value " + std::to_string(number) + " '" + std::string(token) + "' is out of range";
      return false;
    }
    if (ec != std::errc() || ptr != digits.data() + digits.size() || !std::isfinite(v)) {
      *error = "value " + std::to_string(number) + " '" + std::string(token) +
               "' is not a decimal number";
      return false;
    }
    values->push_back(v);
    if (end == text.size()) break;
    start = end + 1;
  }
  return true;
}

}  // namespace l1t::nn
