#include "common/nn/hls4ml/hls4ml_export.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/fixed/cast.h"
#include "common/nn/hls4ml/hls4ml_text.h"

namespace l1t::nn {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string real_12(int64_t raw, const fixed::Spec& spec) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12f", fixed::to_double(raw, spec));
  return buf;
}

// VivadoWriter.print_array_to_cpp: the .txt and the .h of one weight array.
void add_array(const std::string& var, const std::string& type, const std::vector<int>& shape,
               const std::vector<int64_t>& raws, const fixed::Spec& spec,
               std::vector<Hls4mlFile>* files) {
  std::string values;
  for (size_t i = 0; i < raws.size(); ++i) {
    if (i > 0) values += ", ";
    values += format_fixed(raws[i], spec);
  }
  std::string shape_text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    shape_text += (i > 0 ? ", " : "") + std::to_string(shape[i]);
  }
  shape_text += "]";
  const auto [lo, hi] = std::minmax_element(raws.begin(), raws.end());
  const auto zeros = std::count(raws.begin(), raws.end(), int64_t{0});
  const std::string definition = type + " " + var + "[" + std::to_string(raws.size()) + "]";
  std::string h = "//Numpy array shape " + shape_text + "\n";
  h += "//Min " + real_12(*lo, spec) + "\n";
  h += "//Max " + real_12(*hi, spec) + "\n";
  h += "//Number of zeros " + std::to_string(zeros) + "\n\n";
  h += "#ifndef " + upper(var) + "_H_\n#define " + upper(var) + "_H_\n\n";
  h += "#ifndef __SYNTHESIS__\n" + definition + ";\n#else\n";
  h += definition + " = {" + values + "};\n\n";
  h += "#endif\n\n#endif\n";
  files->push_back({"weights/" + var + ".txt", values});
  files->push_back({"weights/" + var + ".h", std::move(h)});
}

std::string typedefs(const FixedModel& model) {
  const auto names = hls4ml_names(model);
  std::string t =
      "// The types of this model as hls4ml declares them in firmware/defines.h (written by\n"
      "// l1t-model export-hls4ml; the weights/*.h headers use them).\n"
      "#ifndef L1T_TYPES_H_\n#define L1T_TYPES_H_\n\n#include \"ap_fixed.h\"\n\n";
  auto line = [&t](const fixed::Spec& s, const std::string& name) {
    t += "typedef " + s.str() + " " + name + ";\n";
  };
  line(model.input, "input_t");
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const auto& l = model.layers[i];
    const auto& n = names[i];
    line(l.weight, n.weight_type);
    line(l.bias, n.bias_type);
    line(l.accum, n.accum_type);
    line(l.result, n.result_type);
    line(l.activation_result, n.activation_type);
    if (!n.table_type.empty()) line(model.sigmoid_table, n.table_type);
  }
  t += "\n#endif\n";
  return t;
}

}  // namespace

const char* hls4ml_activation_name(Activation a) {
  switch (a) {
    case Activation::kLinear:
      return "linear";
    case Activation::kRelu:
      return "relu";
    case Activation::kSigmoid:
      return "sigmoid";
  }
  return "linear";
}

std::string keras_layer_name(const std::string& base, int n) {
  return n == 0 ? base : base + "_" + std::to_string(n);
}

std::vector<Hls4mlLayerNames> hls4ml_names(const FixedModel& model) {
  std::vector<Hls4mlLayerNames> out;
  const int n_layers = static_cast<int>(model.layers.size());
  for (int i = 0; i < n_layers; ++i) {
    Hls4mlLayerNames n;
    n.index = 2 + 2 * i;  // 1 is the input layer; every Dense is followed by its activation
    n.keras = keras_layer_name("dense", i);
    n.activation = n.keras + "_" + hls4ml_activation_name(model.layers[i].activation);
    n.weight_var = "w" + std::to_string(n.index);
    n.bias_var = "b" + std::to_string(n.index);
    n.weight_type = n.keras + "_weight_t";
    n.bias_type = n.keras + "_bias_t";
    n.accum_type = n.keras + "_accum_t";
    n.result_type = "layer" + std::to_string(n.index) + "_t";
    n.activation_type =
        i + 1 == n_layers ? "result_t" : "layer" + std::to_string(n.index + 1) + "_t";
    if (model.layers[i].activation == Activation::kSigmoid)
      n.table_type = n.activation + "_table_t";
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<Hls4mlFile> hls4ml_files(const FixedModel& model) {
  std::vector<Hls4mlFile> files;
  const auto names = hls4ml_names(model);
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const auto& l = model.layers[i];
    add_array(names[i].weight_var, names[i].weight_type, {l.n_in, l.n_out}, l.weights, l.weight,
              &files);
    add_array(names[i].bias_var, names[i].bias_type, {l.n_out}, l.biases, l.bias, &files);
  }
  files.push_back({"l1t_types.h", typedefs(model)});
  return files;
}

std::vector<std::string> hls4ml_export_warnings(const FixedModel& model) {
  std::vector<std::string> warnings;
  const auto names = hls4ml_names(model);
  for (size_t i = 0; i < model.layers.size(); ++i) {
    for (const auto& [spec, var] : {std::pair{model.layers[i].weight, names[i].weight_var},
                                    std::pair{model.layers[i].bias, names[i].bias_var}}) {
      if (spec.width > 53) {
        warnings.push_back(var + " is " + spec.str() +
                           ": wider than a double's 53 bits, so hls4ml's C simulation (which "
                           "reads the text through a double) may not load the exact values");
      }
    }
  }
  return warnings;
}

bool write_hls4ml_files(const std::string& dir, const std::vector<Hls4mlFile>& files,
                        std::string* error) {
  namespace fs = std::filesystem;
  for (const auto& f : files) {
    const fs::path path = fs::path(dir) / f.path;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      *error = "cannot create " + path.parent_path().string() + ": " + ec.message();
      return false;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << f.text;
    out.close();
    if (!out) {
      *error = "cannot write " + path.string();
      return false;
    }
  }
  return true;
}

}  // namespace l1t::nn
