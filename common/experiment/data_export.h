// The data and starting weights of the convergence and speed suites as NumPy files, so another
// framework (bench/pytorch_compare.py) trains the same network on the same rows:
//   train_x.npy (n x 5), train_y.npy (n x 1), test_x.npy, test_y.npy   float32
//   layer<L>_w.npy (n_in x n_out, Keras layout), layer<L>_b.npy (1 x n_out)
//   manifest.json   sizes, seed, rows, each algorithm's learning rate and hyper-parameters
#pragma once

#include <string>
#include <vector>

#include "common/experiment/algorithm_settings.h"
#include "common/nn/training/float_mlp.h"
#include "common/physics/event_generator.h"

namespace l1t::experiment {

struct ExportOptions {
  std::string dir;  // created if missing
  int train_events = 300;
  int test_events = 400;
  std::vector<int> sizes = {nn::kNumFeatures, 25, 30, 1};
  uint64_t seed = 1;
  AlgorithmSettings settings;
  physics::GeneratorConfig generator;
};

// False with a reason naming the file on any I/O failure.
bool export_study_data(const ExportOptions& options, std::vector<std::string>* files,
                       std::string* error);

}  // namespace l1t::experiment
