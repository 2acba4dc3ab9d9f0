#include "common/experiment/data_export.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <span>

#include "common/experiment/experiences.h"
#include "common/experiment/json_numbers.h"
#include "common/experiment/seeds.h"
#include "common/nn/training/adam.h"
#include "common/physics/npy.h"

namespace l1t::experiment {
namespace {

bool write_matrix(const std::string& path, const float* data, size_t rows, size_t cols,
                  std::vector<std::string>* files, std::string* error) {
  physics::NpyWriter w;
  if (!w.open(path, cols, error)) return false;
  for (size_t r = 0; r < rows; ++r) w.append_row(std::span<const float>(data + r * cols, cols));
  if (!w.close(error)) return false;
  files->push_back(path);
  return true;
}

}  // namespace

bool export_study_data(const ExportOptions& o, std::vector<std::string>* files,
                       std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(o.dir, ec);
  if (ec) {
    *error = "cannot create '" + o.dir + "': " + ec.message();
    return false;
  }
  // The same streams and start as the convergence and speed suites with this seed.
  const auto train = make_undegraded_set(o.generator, o.train_events, o.seed, "undegraded-train");
  const auto test = make_undegraded_set(o.generator, o.test_events, o.seed, "undegraded-test");
  const nn::FloatMlp start(o.sizes, derive_seed(o.seed, "initial-weights"));
  const size_t width = start.n_inputs();
  if (!write_matrix(o.dir + "/train_x.npy", train.x.data(), train.rows(), width, files, error) ||
      !write_matrix(o.dir + "/train_y.npy", train.y.data(), train.rows(), 1, files, error) ||
      !write_matrix(o.dir + "/test_x.npy", test.x.data(), test.rows(), width, files, error) ||
      !write_matrix(o.dir + "/test_y.npy", test.y.data(), test.rows(), 1, files, error)) {
    return false;
  }
  for (int l = 0; l < start.num_layers(); ++l) {
    const auto& layer = start.layer(l);
    // Keras layout: row i of the kernel is input i.
    nn::RowMatrix w = layer.w;
    const std::string base = o.dir + "/layer" + std::to_string(l);
    if (!write_matrix(base + "_w.npy", w.data(), w.rows(), w.cols(), files, error) ||
        !write_matrix(base + "_b.npy", layer.b.data(), 1, layer.b.size(), files, error)) {
      return false;
    }
  }
  const nn::AdamConfig adam;
  nlohmann::json m = {
      {"sizes", o.sizes},
      {"seed", o.seed},
      {"train_events", o.train_events},
      {"test_events", o.test_events},
      {"train_rows", train.rows()},
      {"test_rows", test.rows()},
      {"loss", "binary cross-entropy with logits, mean over the batch"},
      {"activations", {"relu", "relu", "sigmoid"}},
      {"sgd",
       {{"lr", tidy(learning_rate_for("sgd", o.settings))},
        {"momentum", tidy(o.settings.sgd_momentum)}}},
      {"adam",
       {{"lr", tidy(learning_rate_for("adam", o.settings))},
        {"beta1", tidy(adam.beta1)},
        {"beta2", tidy(adam.beta2)},
        {"epsilon", tidy(adam.epsilon)}}},
  };
  const std::string path = o.dir + "/manifest.json";
  std::ofstream f(path);
  f << m.dump(2) << "\n";
  f.close();
  if (!f) {
    *error = "cannot write '" + path + "'";
    return false;
  }
  files->push_back(path);
  return true;
}

}  // namespace l1t::experiment
