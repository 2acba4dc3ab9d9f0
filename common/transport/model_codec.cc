#include "common/transport/model_codec.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/files/atomic_file.h"
#include "common/hash/fnv1a.h"
#include "common/nn/inference/fixed_predict.h"

namespace l1t::transport {
namespace {

// The checksum's fields: integers as their 8 native bytes, strings followed by a zero int64.
class ChecksumFields {
 public:
  void add(int64_t v) { h_.update(&v, sizeof v); }
  void add(const std::string& s) {
    h_.update(s);
    add(int64_t{0});  // separator, so "ab"+"c" differs from "a"+"bc"
  }
  uint64_t value() const { return h_.value(); }

 private:
  hash::Fnv1a h_;
};

const char* activation_name(nn::Activation a) {
  switch (a) {
    case nn::Activation::kLinear:
      return "linear";
    case nn::Activation::kRelu:
      return "relu";
    case nn::Activation::kSigmoid:
      return "sigmoid";
  }
  return "linear";
}

bool parse_activation(const std::string& s, nn::Activation* a) {
  if (s == "linear")
    *a = nn::Activation::kLinear;
  else if (s == "relu")
    *a = nn::Activation::kRelu;
  else if (s == "sigmoid")
    *a = nn::Activation::kSigmoid;
  else
    return false;
  return true;
}

bool parse_field(const std::string& text, const std::string& what, fixed::Spec* spec,
                 std::string* error) {
  std::string why;
  if (fixed::parse_spec(text, spec, &why)) return true;
  *error = what + ": " + why;
  return false;
}

bool in_range(const std::vector<int64_t>& raw, const fixed::Spec& spec) {
  for (int64_t v : raw) {
    if (v < spec.min_raw() || v > spec.max_raw()) return false;
  }
  return true;
}

}  // namespace

uint64_t model_checksum(const nn::FixedModel& model) {
  ChecksumFields h;
  h.add(model.input.str());
  h.add(model.sigmoid_table.str());
  h.add(int64_t{model.sigmoid_table_size});
  for (const auto& l : model.layers) {
    h.add(int64_t{l.n_in});
    h.add(int64_t{l.n_out});
    h.add(std::string(activation_name(l.activation)));
    for (const auto* s : {&l.weight, &l.bias, &l.accum, &l.result, &l.activation_result}) {
      h.add(s->str());
    }
    for (int64_t w : l.weights) h.add(w);
    for (int64_t b : l.biases) h.add(b);
  }
  return h.value();
}

void encode_model(const nn::FixedModel& model, v1::ModelUpdate* update) {
  update->set_input_precision(model.input.str());
  update->set_sigmoid_table_precision(model.sigmoid_table.str());
  update->set_sigmoid_table_size(model.sigmoid_table_size);
  update->clear_layers();
  for (const auto& l : model.layers) {
    auto* out = update->add_layers();
    out->set_n_in(l.n_in);
    out->set_n_out(l.n_out);
    out->set_activation(activation_name(l.activation));
    out->set_weight_precision(l.weight.str());
    out->set_bias_precision(l.bias.str());
    out->set_accum_precision(l.accum.str());
    out->set_result_precision(l.result.str());
    out->set_activation_precision(l.activation_result.str());
    out->mutable_weights()->Add(l.weights.begin(), l.weights.end());
    out->mutable_biases()->Add(l.biases.begin(), l.biases.end());
  }
  update->set_checksum(model_checksum(model));
}

bool decode_model(const v1::ModelUpdate& update, nn::FixedModel* model, std::string* error) {
  nn::FixedModel m;
  if (!parse_field(update.input_precision(), "input_precision", &m.input, error)) return false;
  if (!parse_field(update.sigmoid_table_precision(), "sigmoid_table_precision", &m.sigmoid_table,
                   error)) {
    return false;
  }
  m.sigmoid_table_size = static_cast<int>(update.sigmoid_table_size());
  if (m.sigmoid_table_size < 2 || m.sigmoid_table_size > (1 << 16)) {
    *error = "sigmoid_table_size out of range: " + std::to_string(update.sigmoid_table_size());
    return false;
  }
  if (update.layers_size() == 0) {
    *error = "model has no layers";
    return false;
  }
  for (int i = 0; i < update.layers_size(); ++i) {
    const auto& in = update.layers(i);
    const std::string where = "layer " + std::to_string(i) + " ";
    nn::FixedDense l;
    l.n_in = static_cast<int>(in.n_in());
    l.n_out = static_cast<int>(in.n_out());
    if (l.n_in <= 0 || l.n_out <= 0 || l.n_in > 4096 || l.n_out > 4096) {
      *error = where + "has a bad shape";
      return false;
    }
    if (!m.layers.empty() && m.layers.back().n_out != l.n_in) {
      *error = where + "n_in " + std::to_string(l.n_in) + " does not follow the previous n_out " +
               std::to_string(m.layers.back().n_out);
      return false;
    }
    if (!parse_activation(in.activation(), &l.activation)) {
      *error = where + "unknown activation '" + in.activation() + "'";
      return false;
    }
    if (!parse_field(in.weight_precision(), where + "weight_precision", &l.weight, error) ||
        !parse_field(in.bias_precision(), where + "bias_precision", &l.bias, error) ||
        !parse_field(in.accum_precision(), where + "accum_precision", &l.accum, error) ||
        !parse_field(in.result_precision(), where + "result_precision", &l.result, error) ||
        !parse_field(in.activation_precision(), where + "activation_precision",
                     &l.activation_result, error)) {
      return false;
    }
    if (in.weights_size() != l.n_in * l.n_out || in.biases_size() != l.n_out) {
      *error = where + "holds " + std::to_string(in.weights_size()) + " weights and " +
               std::to_string(in.biases_size()) + " biases, expected " +
               std::to_string(l.n_in * l.n_out) + " and " + std::to_string(l.n_out);
      return false;
    }
    l.weights.assign(in.weights().begin(), in.weights().end());
    l.biases.assign(in.biases().begin(), in.biases().end());
    if (!in_range(l.weights, l.weight) || !in_range(l.biases, l.bias)) {
      *error = where + "has raw values outside its precision";
      return false;
    }
    m.layers.push_back(std::move(l));
  }
  if (update.checksum() != model_checksum(m)) {
    *error = "checksum mismatch";
    return false;
  }
  if (!nn::check_fixed_model(m, error)) return false;
  *model = std::move(m);
  return true;
}

bool same_footprint(const nn::FixedModel& deployed, const nn::FixedModel& candidate,
                    std::string* error) {
  if (!(deployed.input == candidate.input)) {
    *error = "input precision " + candidate.input.str() + " differs from deployed " +
             deployed.input.str();
    return false;
  }
  if (!(deployed.sigmoid_table == candidate.sigmoid_table) ||
      deployed.sigmoid_table_size != candidate.sigmoid_table_size) {
    *error = "sigmoid table differs from the deployed one";
    return false;
  }
  if (deployed.layers.size() != candidate.layers.size()) {
    *error = "has " + std::to_string(candidate.layers.size()) + " layers, deployed has " +
             std::to_string(deployed.layers.size());
    return false;
  }
  for (size_t i = 0; i < deployed.layers.size(); ++i) {
    const auto& a = deployed.layers[i];
    const auto& b = candidate.layers[i];
    const std::string where = "layer " + std::to_string(i) + " ";
    if (a.n_in != b.n_in || a.n_out != b.n_out || a.activation != b.activation) {
      *error = where + "architecture differs from the deployed one";
      return false;
    }
    if (!(a.weight == b.weight) || !(a.bias == b.bias) || !(a.accum == b.accum) ||
        !(a.result == b.result) || !(a.activation_result == b.activation_result)) {
      *error = where + "precision differs from the deployed one (weight " + b.weight.str() +
               " vs " + a.weight.str() + ")";
      return false;
    }
  }
  return true;
}

bool write_model_file(const std::string& path, const v1::ModelUpdate& update, std::string* error) {
  std::string bytes;
  if (!update.SerializeToString(&bytes)) {
    *error = "cannot serialise the model update for " + path;
    return false;
  }
  return files::write_atomically(path, bytes, error);  // readers never see half a file
}

bool read_model_file(const std::string& path, v1::ModelUpdate* update, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path;
    return false;
  }
  if (!update->ParseFromIstream(&in)) {
    *error = path + " is not a ModelUpdate (corrupt or wrong format)";
    return false;
  }
  return true;
}

}  // namespace l1t::transport
