#include "services/model/model_file.h"

#include "common/fixed/spec.h"
#include "common/nn/inference/fixed_predict.h"
#include "common/transport/envelope.h"
#include "common/transport/model_codec.h"

namespace l1t::model_tool {
namespace {

// The update's contents without the checksum check, to compute the checksum it should carry.
// Only called once decode_model has found nothing but the checksum wrong.
nn::FixedModel fields_of(const v1::ModelUpdate& u) {
  nn::FixedModel m;
  std::string ignored;
  fixed::parse_spec(u.input_precision(), &m.input, &ignored);
  fixed::parse_spec(u.sigmoid_table_precision(), &m.sigmoid_table, &ignored);
  m.sigmoid_table_size = static_cast<int>(u.sigmoid_table_size());
  for (const auto& in : u.layers()) {
    nn::FixedDense l;
    l.n_in = static_cast<int>(in.n_in());
    l.n_out = static_cast<int>(in.n_out());
    l.activation = in.activation() == "relu"      ? nn::Activation::kRelu
                   : in.activation() == "sigmoid" ? nn::Activation::kSigmoid
                                                  : nn::Activation::kLinear;
    fixed::parse_spec(in.weight_precision(), &l.weight, &ignored);
    fixed::parse_spec(in.bias_precision(), &l.bias, &ignored);
    fixed::parse_spec(in.accum_precision(), &l.accum, &ignored);
    fixed::parse_spec(in.result_precision(), &l.result, &ignored);
    fixed::parse_spec(in.activation_precision(), &l.activation_result, &ignored);
    l.weights.assign(in.weights().begin(), in.weights().end());
    l.biases.assign(in.biases().begin(), in.biases().end());
    m.layers.push_back(std::move(l));
  }
  return m;
}

}  // namespace

bool load_model(const std::string& path, LoadedModel* out, std::string* error) {
  out->path = path;
  if (!transport::read_model_file(path, &out->update, error)) return false;
  std::string why;
  if (transport::decode_model(out->update, &out->model, &why)) {
    out->computed_checksum = out->update.checksum();
    out->checksum_ok = true;
    return true;
  }
  if (why != "checksum mismatch") {
    *error = path + ": " + why;
    return false;
  }
  // Everything but the checksum is sound: decode again with the checksum it should have.
  v1::ModelUpdate fixed_up = out->update;
  fixed_up.set_checksum(transport::model_checksum(fields_of(out->update)));
  if (!transport::decode_model(fixed_up, &out->model, &why)) {
    *error = path + ": " + why;
    return false;
  }
  out->computed_checksum = fixed_up.checksum();
  out->checksum_ok = false;
  return true;
}

v1::ModelUpdate make_update(const nn::FixedModel& model, uint64_t version,
                            const std::string& algorithm) {
  v1::ModelUpdate u;
  transport::HeaderStamper("l1t-model").stamp(u.mutable_header());
  transport::encode_model(model, &u);
  u.set_version(version);
  u.set_parent_version(0);
  u.set_algorithm(algorithm);
  u.set_created_unix_ns(transport::unix_now_ns());
  return u;
}

}  // namespace l1t::model_tool
