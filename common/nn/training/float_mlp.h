// The training-side twin of FixedModel: a dense MLP in float32 with ReLU hidden layers and a
// sigmoid output, batched forward and backpropagation of binary cross-entropy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include <Eigen/Core>

namespace l1t::nn {

// Per-track features the trigger model sees: pT, eta, phi, z0, |dZ|.
inline constexpr int kNumFeatures = 5;

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

// One dense layer, stored as Keras stores it: kernel w is n_in x n_out, w(i, j) is Keras
// kernel[i][j] and FixedDense raw index i * n_out + j.
struct DenseLayer {
  Matrix w;
  RowVector b;
  int n_in() const { return static_cast<int>(w.rows()); }
  int n_out() const { return static_cast<int>(w.cols()); }
};

// dLoss/dparameter, same shapes as the model's layers.
struct Gradients {
  std::vector<Matrix> dw;
  std::vector<RowVector> db;
  void set_zero();
};

// Activations kept between forward and backward. Reused across calls: once sized for a batch
// size it does not allocate again for that size.
struct Workspace {
  std::vector<Matrix> z;      // pre-activation of layer l (n x n_out); z.back() is the logits
  std::vector<Matrix> a;      // post-activation of hidden layer l (n x n_out); unused for last
  std::vector<Matrix> delta;  // dLoss/dz of layer l: one per layer so no step reallocates
  const Matrix& logits() const { return z.back(); }
};

// How the binary cross-entropy weighs samples.
struct LossOptions {
  float pos_weight = 1.0f;  // multiplies the loss of positive (y = 1) samples, as in PyTorch
};

class FloatMlp {
 public:
  // Layer sizes include the input width: {5, 25, 30, 1} is 5 inputs, two hidden layers, 1 output.
  // Weights start at zero; call init() (or use the seeded constructor) for a random start.
  explicit FloatMlp(std::vector<int> sizes = {kNumFeatures, 25, 30, 1});
  FloatMlp(std::vector<int> sizes, uint64_t seed);

  // He-uniform kernels for layers followed by ReLU, Glorot-uniform for the sigmoid output layer
  // (Keras' initialisers), zero biases.
  void init(std::mt19937_64& rng);

  const std::vector<int>& sizes() const { return sizes_; }
  int n_inputs() const { return sizes_.front(); }
  int n_outputs() const { return sizes_.back(); }
  int num_layers() const { return static_cast<int>(layers_.size()); }
  DenseLayer& layer(int l) { return layers_[l]; }
  const DenseLayer& layer(int l) const { return layers_[l]; }
  std::vector<DenseLayer>& layers() { return layers_; }
  const std::vector<DenseLayer>& layers() const { return layers_; }

  // Forward pass over n samples; x is row-major n x n_inputs(). Results stay in *ws.
  void forward(const float* x, size_t n, Workspace* ws) const;

  // Forward, then loss and gradients of the mean BCE-with-logits over the n samples. y is
  // row-major n x n_outputs() of targets in [0, 1]; sample_weight is null or n weights (Keras'
  // sample_weight: the loss is sum(w_i * l_i) / (n * n_outputs)). Returns the loss.
  double loss_and_gradients(const float* x, const float* y, const float* sample_weight, size_t n,
                            const LossOptions& options, Gradients* grads, Workspace* ws) const;

  // Loss only (no gradients).
  double loss(const float* x, const float* y, const float* sample_weight, size_t n,
              const LossOptions& options, Workspace* ws) const;

  // Convenience forms that allocate their own workspace: n x n_outputs() logits or
  // probabilities, row-major, into out.
  void predict_logits(const float* x, size_t n, float* out) const;
  void predict_proba(const float* x, size_t n, float* out) const;

  // Gradients sized like this model (zeroed).
  Gradients make_gradients() const;

  // Flat view of all parameters, layer by layer, kernel in Keras (i * n_out + j) order then bias:
  // for strategies (EWC, LwF, AM-Adam) that work on one parameter vector.
  size_t num_parameters() const;
  void get_parameters(float* out) const;
  void set_parameters(const float* in);

 private:
  std::vector<int> sizes_;
  std::vector<DenseLayer> layers_;
};

// Flattens gradients in the same order as FloatMlp::get_parameters.
void flatten_gradients(const Gradients& g, float* out);

}  // namespace l1t::nn
