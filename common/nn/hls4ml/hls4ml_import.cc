#include "common/nn/hls4ml/hls4ml_import.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/fixed/cast.h"
#include "common/nn/hls4ml/hls4ml_text.h"
#include "common/nn/inference/fixed_layers.h"
#include "common/nn/inference/fixed_predict.h"

namespace l1t::nn {
namespace {

namespace fs = std::filesystem;

// The indices i of the w<i>.txt files in dir, ascending.
std::vector<int> weight_indices(const fs::path& dir) {
  std::vector<int> indices;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 6 || name[0] != 'w' || !name.ends_with(".txt")) continue;
    const std::string_view digits(name.data() + 1, name.size() - 5);
    int index = 0;
    const auto [ptr, err] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (err == std::errc() && ptr == digits.data() + digits.size() && index >= 0) {
      indices.push_back(index);
    }
  }
  std::sort(indices.begin(), indices.end());
  return indices;
}

bool read_values(const fs::path& path, std::vector<double>* values, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path.string();
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string why;
  if (!parse_weight_values(text.str(), values, &why)) {
    *error = path.string() + ": " + why;
    return false;
  }
  if (values->empty()) {
    *error = path.string() + " holds no values";
    return false;
  }
  return true;
}

// One value into spec as ap_fixed's constructor from double does, counting what changed it.
int64_t convert(double x, const fixed::Spec& spec, bool saturate, Hls4mlImportReport* report) {
  fixed::Spec target = spec;
  if (saturate) {
    target.overflow = fixed::Overflow::kSat;
    target.sat_bits = 0;
  }
  // The same grid with more integer bits shows where x lands before any overflow handling.
  const int extra = std::min(
      {32, (spec.is_signed ? 64 : 63) - spec.width, fixed::kMaxIntegerMagnitude - spec.integer});
  fixed::Spec wide = spec;
  wide.width += extra;
  wide.integer += extra;
  wide.overflow = fixed::Overflow::kSat;
  wide.sat_bits = 0;
  const int64_t on_grid = fixed::from_double(x, wide);
  report->rounded += fixed::to_double(on_grid, wide) != x;
  report->out_of_range += on_grid > spec.max_raw() || on_grid < spec.min_raw();
  ++report->values;
  return fixed::from_double(x, target);
}

std::vector<int64_t> convert_all(const std::vector<double>& xs, const fixed::Spec& spec,
                                 bool saturate, Hls4mlImportReport* report) {
  std::vector<int64_t> raws;
  raws.reserve(xs.size());
  for (double x : xs) raws.push_back(convert(x, spec, saturate, report));
  return raws;
}

}  // namespace

std::string find_hls4ml_weights_dir(const std::string& dir) {
  for (const fs::path& candidate :
       {fs::path(dir) / "weights", fs::path(dir) / "firmware" / "weights", fs::path(dir)}) {
    if (!weight_indices(candidate).empty()) return candidate.string();
  }
  return "";
}

bool import_hls4ml(const std::string& dir, const Hls4mlImportOptions& given, FixedModel* model,
                   Hls4mlImportReport* report, std::string* error) {
  *report = {};
  Hls4mlImportOptions options = given;
  if (given.like != nullptr) {
    if (given.like->layers.empty()) {
      *error = "the model to take the precisions from has no layers";
      return false;
    }
    options.precision = given.like->input;
    options.sigmoid_table = given.like->sigmoid_table;
    options.sigmoid_table_size = given.like->sigmoid_table_size;
    options.sizes = {given.like->layers[0].n_in};
    for (const auto& l : given.like->layers) options.sizes.push_back(l.n_out);
  }
  for (const auto* spec : {&options.precision, &options.sigmoid_table}) {
    if (!fixed::check_spec(*spec, error)) return false;
  }
  if (options.accum && !fixed::check_spec(*options.accum, error)) return false;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    *error = dir + " is not a directory";
    return false;
  }
  report->weights_dir = find_hls4ml_weights_dir(dir);
  if (report->weights_dir.empty()) {
    *error = "no weight files (w<index>.txt) in " + dir + ", " + dir + "/weights or " + dir +
             "/firmware/weights";
    return false;
  }
  const fs::path wdir(report->weights_dir);
  const std::vector<int> indices = weight_indices(wdir);
  if (!options.sizes.empty() && options.sizes.size() != indices.size() + 1) {
    *error = "the sizes given describe " + std::to_string(options.sizes.size() - 1) +
             " layers but " + report->weights_dir + " holds " + std::to_string(indices.size()) +
             " weight files";
    return false;
  }

  FixedModel m;
  m.input = options.precision;
  m.sigmoid_table = options.sigmoid_table;
  m.sigmoid_table_size = options.sigmoid_table_size;
  int n_in = options.sizes.empty() ? options.n_inputs : options.sizes[0];
  report->sizes = {n_in};
  for (size_t k = 0; k < indices.size(); ++k) {
    const std::string w_name = "w" + std::to_string(indices[k]) + ".txt";
    const std::string b_name = "b" + std::to_string(indices[k]) + ".txt";
    if (!fs::exists(wdir / b_name, ec)) {
      *error = (wdir / w_name).string() + " has no matching " + b_name;
      return false;
    }
    std::vector<double> w, b;
    if (!read_values(wdir / w_name, &w, error) || !read_values(wdir / b_name, &b, error)) {
      return false;
    }
    report->files.push_back((wdir / w_name).string());
    report->files.push_back((wdir / b_name).string());
    const std::string where = (wdir / w_name).string() + " (layer " + std::to_string(k) + ")";
    int n_out = 0;
    if (!options.sizes.empty()) {
      n_out = options.sizes[k + 1];
      if (w.size() != static_cast<size_t>(n_in) * n_out) {
        *error = where + " holds " + std::to_string(w.size()) + " values, expected " +
                 std::to_string(n_in) + " x " + std::to_string(n_out) + " = " +
                 std::to_string(n_in * n_out);
        return false;
      }
    } else {
      if (w.size() % n_in != 0) {
        *error = where + " holds " + std::to_string(w.size()) +
                 " values, not a whole number of rows of the layer's " + std::to_string(n_in) +
                 " inputs";
        return false;
      }
      n_out = static_cast<int>(w.size() / n_in);
    }
    if (b.size() != static_cast<size_t>(n_out)) {
      *error = (wdir / b_name).string() + " holds " + std::to_string(b.size()) +
               " values, expected " + std::to_string(n_out) + " (one per output of the " +
               std::to_string(n_in) + " x " + std::to_string(n_out) + " kernel in " + w_name + ")";
      return false;
    }
    FixedDense l;
    if (options.like != nullptr) {
      l = options.like->layers[k];  // its types and activation; the values are replaced below
    } else {
      l.weight = l.bias = l.result = l.activation_result = options.precision;
      const fixed::Spec& layer_input = k == 0 ? m.input : m.layers.back().activation_result;
      l.accum = options.accum_auto ? auto_accum_spec(layer_input, l.weight, l.bias, n_in)
                                   : options.accum.value_or(options.precision);
      l.activation = k + 1 == indices.size() ? Activation::kSigmoid : Activation::kRelu;
    }
    l.n_in = n_in;
    l.n_out = n_out;
    l.weights = convert_all(w, l.weight, options.saturate, report);
    l.biases = convert_all(b, l.bias, options.saturate, report);
    m.layers.push_back(std::move(l));
    report->sizes.push_back(n_out);
    n_in = n_out;
  }
  if (!check_fixed_model(m, error)) return false;
  *model = std::move(m);
  return true;
}

bool parse_layer_sizes(const std::string& text, std::vector<int>* sizes, std::string* error) {
  sizes->clear();
  std::string token;
  auto flush = [&]() {
    if (token.empty()) return true;
    int v = 0;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
    if (ec != std::errc() || ptr != token.data() + token.size() || v <= 0 || v > 4096) {
      *error = "bad layer size '" + token + "' in '" + text + "' (want e.g. 5,25,30,1)";
      return false;
    }
    sizes->push_back(v);
    token.clear();
    return true;
  };
  for (char c : text) {
    if (c == ',' || c == 'x' || c == '-' || c == ' ') {
      if (!flush()) return false;
    } else {
      token.push_back(c);
    }
  }
  if (!flush()) return false;
  if (sizes->size() < 2) {
    *error = "layer sizes '" + text + "' need an input and at least one layer (e.g. 5,25,30,1)";
    return false;
  }
  return true;
}

}  // namespace l1t::nn
