// Model files (serialised ModelUpdate) as the l1t-model tool reads and writes them.
#pragma once

#include <cstdint>
#include <string>

#include "common/nn/inference/fixed_model.h"
#include "l1t/v1/messages.pb.h"

namespace l1t::model_tool {

struct LoadedModel {
  std::string path;
  v1::ModelUpdate update;
  nn::FixedModel model;
  uint64_t computed_checksum = 0;
  bool checksum_ok = false;
};

// Reads and validates a model file. A checksum mismatch alone is not fatal here, so that a
// damaged file can still be inspected: checksum_ok says whether it verifies.
bool load_model(const std::string& path, LoadedModel* out, std::string* error);

// A ModelUpdate for a model made by this tool: header, checksum, version; parent 0.
v1::ModelUpdate make_update(const nn::FixedModel& model, uint64_t version,
                            const std::string& algorithm);

}  // namespace l1t::model_tool
