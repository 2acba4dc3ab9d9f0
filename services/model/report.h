// What `l1t-model inspect` and `footprint` print, as text for people and JSON for tools.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/fixed/spec.h"
#include "common/nn/inference/fixed_model.h"
#include "services/model/model_file.h"

namespace l1t::model_tool {

using Json = nlohmann::ordered_json;

// The real range of a parameter array and how many values sit at its type's saturation edges.
struct ParamStats {
  int64_t count = 0;
  int64_t zeros = 0;
  int64_t at_max = 0;  // raw == the type's largest value
  int64_t at_min = 0;  // raw == the type's smallest value (-max for AP_SAT_SYM)
  double min = 0;
  double max = 0;
};
ParamStats param_stats(const std::vector<int64_t>& raws, const fixed::Spec& spec);

// "5 -> 25 (relu) -> 30 (relu) -> 1 (sigmoid)"
std::string architecture_text(const nn::FixedModel& model);

// Architecture, every precision, hls4ml names and parameter ranges: inspect's core, and the
// l1t_model.json of an hls4ml export (with the hls4ml configuration that reproduces the types).
Json model_json(const nn::FixedModel& model);
Json hls4ml_config_json(const nn::FixedModel& model);

Json footprint_json(const nn::FixedModel& model);
std::string footprint_text(const nn::FixedModel& model);

Json inspect_json(const LoadedModel& loaded);
std::string inspect_text(const LoadedModel& loaded);

// "0x0123456789abcdef"
std::string hex64(uint64_t v);

}  // namespace l1t::model_tool
