// A FixedModel as the weight files of an hls4ml project: firmware/weights/w2.txt, w2.h, ...
//
// Naming follows what hls4ml does when it converts a Keras Sequential model of Dense layers with
// their activation given inline (Dense(25, activation='relu'), ...), as the trainer's FloatMlp
// is laid out:
//  * Keras names the Dense layers 'dense', 'dense_1', 'dense_2'; hls4ml splits each activation
//    off into its own layer named '<dense>_<activation>' ('dense_relu', 'dense_2_sigmoid').
//  * hls4ml numbers the layers of its graph from 1, the input layer first, so the Dense layers
//    are 2, 4, 6 and their weight and bias arrays w2/b2, w4/b4, w6/b6 (Layer.add_weights:
//    var_name 'w{index}', 'b{index}').
//  * Types are those of a granularity='name' configuration, the one that can hold per-layer
//    precisions (HLSConfig.get_precision: '<layer>_<var>_t'): dense_weight_t, dense_bias_t,
//    dense_accum_t; a Dense result is layer<index>_t, the last activation result_t, the sigmoid
//    table dense_2_sigmoid_table_t, the input input_t.
// Each array is written as VivadoWriter.print_array_to_cpp writes it: the .txt holds the values
// joined by ", " with no newline (nnet::load_weights_from_txt reads only the first line), the .h
// the same values as the initialiser under #ifdef __SYNTHESIS__. Values carry W - I decimals, as
// hls4ml formats them, which for a fixed-point value is its exact decimal expansion: the C
// simulation (text -> double -> ap_fixed) loads exactly the raws of the model for any type of
// up to 53 bits (wider types lose bits in the double; hls4ml_export_warnings says so).
#pragma once

#include <string>
#include <vector>

#include "common/fixed/spec.h"
#include "common/nn/inference/fixed_model.h"

namespace l1t::nn {

// hls4ml's names for one Dense layer of the model and for the activation that follows it.
struct Hls4mlLayerNames {
  int index = 0;                // the Dense layer's index in hls4ml's graph: 2, 4, 6, ...
  std::string keras;            // "dense", "dense_1", ...
  std::string activation;       // "dense_relu", ... (hls4ml's split-off activation layer)
  std::string weight_var;       // "w2"
  std::string bias_var;         // "b2"
  std::string weight_type;      // "dense_weight_t"
  std::string bias_type;        // "dense_bias_t"
  std::string accum_type;       // "dense_accum_t"
  std::string result_type;      // "layer2_t"
  std::string activation_type;  // "layer3_t"; the last layer's is "result_t"
  std::string table_type;       // "dense_2_sigmoid_table_t" for a sigmoid, else empty
};

std::vector<Hls4mlLayerNames> hls4ml_names(const FixedModel& model);

// Keras' name for the n-th (0-based) layer of a class: "dense", "dense_1", ...
std::string keras_layer_name(const std::string& base, int n);

// "linear", "relu", "sigmoid": the Keras activation names.
const char* hls4ml_activation_name(Activation a);

// One file of the export: a path relative to the project directory and its full text.
struct Hls4mlFile {
  std::string path;  // "weights/w2.txt"
  std::string text;
};

// weights/w<i>.txt, weights/w<i>.h, weights/b<i>.txt, weights/b<i>.h for every layer, and
// l1t_types.h with the typedefs hls4ml would put in firmware/defines.h for these precisions.
std::vector<Hls4mlFile> hls4ml_files(const FixedModel& model);

// Why the C simulation might not load the exact raws: types wider than a double's 53 bits.
std::vector<std::string> hls4ml_export_warnings(const FixedModel& model);

// Writes files (e.g. hls4ml_files(model)) under dir, creating subdirectories. Says why on failure.
bool write_hls4ml_files(const std::string& dir, const std::vector<Hls4mlFile>& files,
                        std::string* error);

}  // namespace l1t::nn
