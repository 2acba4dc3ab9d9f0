// EWC's checkpoint state, kept apart from the training code.
#include "common/nn/continual/ewc.h"
#include "common/nn/training/layer_state.h"

namespace l1t::nn {

void Ewc::save_state(StateBlob* out) const {
  // Unshaped (no batch seen yet): empty tensors.
  out->put("fisher", shaped_ ? flatten_layers(fisher_.dw, fisher_.db) : std::vector<float>());
  out->put("window", shaped_ ? flatten_layers(window_.dw, window_.db) : std::vector<float>());
  out->put("anchor", shaped_ ? flatten_layers(anchor_.dw, anchor_.db) : std::vector<float>());
  out->put_int("anchored", anchored_ ? 1 : 0);
  out->put_int("window_batches", static_cast<int64_t>(window_batches_));
  out->put_int("rows_since_consolidation", static_cast<int64_t>(rows_since_consolidation_));
  out->put_int("consolidations", static_cast<int64_t>(consolidations_));
}

bool Ewc::load_state(const FloatMlp& model, const StateBlob& in, std::string* error) {
  int64_t anchored = 0, window_batches = 0, rows = 0, consolidations = 0;
  if (!in.get_int("anchored", &anchored, error) ||
      !in.get_int("window_batches", &window_batches, error) ||
      !in.get_int("rows_since_consolidation", &rows, error) ||
      !in.get_int("consolidations", &consolidations, error)) {
    return false;
  }
  if (window_batches < 0 || rows < 0 || consolidations < 0) {
    *error = "'" + in.name + "' state holds a negative counter";
    return false;
  }
  const std::vector<float>* tensors[3];
  const char* keys[3] = {"fisher", "window", "anchor"};
  for (int k = 0; k < 3; ++k) {
    tensors[k] = in.require(keys[k], std::string::npos, error);
    if (tensors[k] == nullptr) return false;
  }
  const bool shaped = !tensors[0]->empty();
  Gradients g[3];
  for (int k = 0; k < 3; ++k) {
    if (tensors[k]->empty() != !shaped) {
      *error = "'" + in.name + "' state '" + keys[k] + "' is " +
               (shaped ? "empty while the Fisher is not" : "set while the Fisher is empty");
      return false;
    }
    if (shaped && !unflatten_layers(model, *tensors[k], "'" + in.name + "' state '" + keys[k] + "'",
                                    &g[k].dw, &g[k].db, error)) {
      return false;
    }
  }
  if (anchored != 0 && !shaped) {
    *error = "'" + in.name + "' state is anchored without an anchor";
    return false;
  }
  fisher_ = std::move(g[0]);
  window_ = std::move(g[1]);
  anchor_ = std::move(g[2]);
  shaped_ = shaped;
  anchored_ = anchored != 0;
  window_batches_ = static_cast<size_t>(window_batches);
  rows_since_consolidation_ = static_cast<size_t>(rows);
  consolidations_ = static_cast<uint64_t>(consolidations);
  return true;
}

// The step guard's copy: fisher, window, anchor blocks (kernels in matrices, biases in rows,
// empty while unshaped) and the flags and counters.
void Ewc::copy_state(StateCopy* out) const {
  const size_t n = shaped_ ? fisher_.dw.size() : 0;
  if (shaped_) {
    copy_blocks(fisher_.dw, 0, &out->matrices);
    copy_blocks(window_.dw, n, &out->matrices);
    copy_blocks(anchor_.dw, 2 * n, &out->matrices);
    copy_blocks(fisher_.db, 0, &out->rows);
    copy_blocks(window_.db, n, &out->rows);
    copy_blocks(anchor_.db, 2 * n, &out->rows);
  }
  out->matrices.resize(3 * n);
  out->rows.resize(3 * n);
  out->ints.assign({shaped_ ? 1 : 0, anchored_ ? 1 : 0, static_cast<int64_t>(window_batches_),
                    static_cast<int64_t>(rows_since_consolidation_),
                    static_cast<int64_t>(consolidations_)});
}

void Ewc::put_back_state(const StateCopy& in) {
  if (in.ints.size() != 5) return;  // not a copy of an Ewc
  shaped_ = in.ints[0] != 0;
  anchored_ = in.ints[1] != 0;
  window_batches_ = static_cast<size_t>(in.ints[2]);
  rows_since_consolidation_ = static_cast<size_t>(in.ints[3]);
  consolidations_ = static_cast<uint64_t>(in.ints[4]);
  if (!shaped_) return;  // the next step shapes the tensors afresh
  const size_t n = in.matrices.size() / 3;
  copy_blocks_back(in.matrices, 0, n, &fisher_.dw);
  copy_blocks_back(in.matrices, n, n, &window_.dw);
  copy_blocks_back(in.matrices, 2 * n, n, &anchor_.dw);
  copy_blocks_back(in.rows, 0, n, &fisher_.db);
  copy_blocks_back(in.rows, n, n, &window_.db);
  copy_blocks_back(in.rows, 2 * n, n, &anchor_.db);
}

bool Ewc::state_finite() const {
  for (const Gradients* g : {&fisher_, &window_, &anchor_}) {
    if (!all_finite(g->dw) || !all_finite(g->db)) return false;
  }
  return true;
}

}  // namespace l1t::nn
