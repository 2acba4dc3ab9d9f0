#include "services/model/predict_csv.h"

#include <charconv>
#include <cmath>
#include <istream>
#include <ostream>
#include <vector>

#include "common/fixed/cast.h"
#include "common/nn/hls4ml/hls4ml_export.h"
#include "common/nn/hls4ml/hls4ml_text.h"
#include "common/nn/inference/fixed_predict.h"

namespace l1t::model_tool {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> cells;
  for (size_t pos = 0;;) {
    const size_t comma = line.find(',', pos);
    cells.push_back(
        trim(line.substr(pos, comma == std::string_view::npos ? line.npos : comma - pos)));
    if (comma == std::string_view::npos) return cells;
    pos = comma + 1;
  }
}

bool parse_double(std::string_view s, double* v) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(*v);
}

void write_header(const nn::FixedModel& model, bool layers, std::ostream& out) {
  out << "row";
  for (int i = 0; i < model.layers.front().n_in; ++i) out << ",x" << i << "_raw";
  if (layers) {
    for (size_t k = 0; k < model.layers.size(); ++k) {
      const auto& l = model.layers[k];
      const std::string prefix = ",l" + std::to_string(k + 1) + "_";
      for (int j = 0; j < l.n_out; ++j) out << prefix << "dense_" << j;
      for (int j = 0; j < l.n_out; ++j) {
        out << prefix << nn::hls4ml_activation_name(l.activation) << "_" << j;
      }
    }
  }
  for (int j = 0; j < model.layers.back().n_out; ++j) out << ",out" << j << "_raw,out" << j;
  out << "\n";
}

}  // namespace

bool predict_csv(const nn::FixedModel& model, std::istream& in, std::ostream& out, bool layers,
                 std::string* error) {
  const nn::FixedPredictor predictor(model);
  const int n_in = model.layers.front().n_in;
  const auto& last = model.layers.back();
  std::vector<int64_t> x(n_in), y(last.n_out);
  nn::FixedTrace trace;
  write_header(model, layers, out);
  int line_number = 0;
  int64_t row = 0;
  bool first = true;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    const std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    const auto cells = split(text);
    std::vector<double> values(cells.size());
    size_t bad = cells.size();
    size_t numeric = 0;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (parse_double(cells[i], &values[i])) {
        ++numeric;
      } else if (bad == cells.size()) {
        bad = i;
      }
    }
    const bool was_first = first;
    first = false;
    if (was_first && numeric == 0) continue;  // a header line: names, no numbers
    if (bad < cells.size()) {
      *error = "line " + std::to_string(line_number) + ", column " + std::to_string(bad + 1) +
               ": '" + std::string(cells[bad]) + "' is not a number";
      return false;
    }
    if (static_cast<int>(values.size()) != n_in) {
      *error = "line " + std::to_string(line_number) + " holds " + std::to_string(values.size()) +
               " values, the model takes " + std::to_string(n_in);
      return false;
    }
    for (int i = 0; i < n_in; ++i) x[i] = fixed::from_double(values[i], model.input);
    predictor.predict(x.data(), y.data(), layers ? &trace : nullptr);
    out << row++;
    for (int64_t v : x) out << "," << v;
    if (layers) {
      for (size_t k = 0; k < model.layers.size(); ++k) {
        for (int64_t v : trace.dense[k]) out << "," << v;
        for (int64_t v : trace.activation[k]) out << "," << v;
      }
    }
    for (int64_t v : y) out << "," << v << "," << nn::format_fixed(v, last.activation_result);
    out << "\n";
  }
  if (in.bad()) {
    *error = "read error after line " + std::to_string(line_number);
    return false;
  }
  return true;
}

}  // namespace l1t::model_tool
