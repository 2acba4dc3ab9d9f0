// Weights written for (or by) an hls4ml project read back into a FixedModel.
//
// Reads weights/w<i>.txt and b<i>.txt in increasing i (the hls4ml layer index: w2, w4, w6 for
// the Keras Dense layers of a 5-25-30-1 network, see hls4ml_export.h). Each value is converted
// as hls4ml's C simulation converts it (text -> nearest double -> ap_fixed of the chosen type,
// with that type's quantisation and overflow modes), so a model imported here computes what the
// C simulation computes. Hidden layers get ReLU and the last layer a sigmoid, as FloatMlp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/fixed/spec.h"
#include "common/nn/inference/fixed_model.h"

namespace l1t::nn {

struct Hls4mlImportOptions {
  // Every type (input, weights, biases, results, activations), as hls4ml's model-wide Precision.
  fixed::Spec precision{16, 6};
  // The accumulator: nullopt means `precision` (hls4ml's model-wide default also sets accum_t).
  std::optional<fixed::Spec> accum;
  bool accum_auto = false;  // hls4ml's 'auto' accumulator instead (see auto_accum_spec)
  // Layer sizes including the input, e.g. {5, 25, 30, 1}; empty: inferred from the value counts.
  std::vector<int> sizes;
  int n_inputs = 5;  // the input width used to infer the sizes (the five track features)
  // Clamp values outside the type's range instead of applying its overflow mode (AP_WRAP by
  // default, which is what the C simulation does and turns a large weight into a wrong sign).
  bool saturate = false;
  fixed::Spec sigmoid_table{18, 8};
  int sigmoid_table_size = 1024;
  // If set, every precision (input, per-layer types, sigmoid table) and the sizes come from this
  // model instead (e.g. the one in service, so the import has its footprint); the fields above
  // except `saturate` are then ignored.
  const FixedModel* like = nullptr;
};

// What the conversion did, for the user to judge.
struct Hls4mlImportReport {
  std::string weights_dir;         // where the files were found
  std::vector<std::string> files;  // read, in layer order
  std::vector<int> sizes;          // the architecture built
  int64_t values = 0;              // weights and biases read
  int64_t rounded = 0;             // values not on the type's grid, rounded by its mode
  int64_t out_of_range = 0;        // values outside the type's range (wrapped, or clamped)
};

// The weights directory under dir: dir/weights, else dir/firmware/weights (an hls4ml project),
// else dir itself. Empty if none holds a w<i>.txt.
std::string find_hls4ml_weights_dir(const std::string& dir);

// Builds the model from the text files. Errors name the file and what is wrong with it.
bool import_hls4ml(const std::string& dir, const Hls4mlImportOptions& options, FixedModel* model,
                   Hls4mlImportReport* report, std::string* error);

// Parses "5,25,30,1" (or with spaces / 'x' separators) into sizes; at least two, all positive.
bool parse_layer_sizes(const std::string& text, std::vector<int>* sizes, std::string* error);

}  // namespace l1t::nn
