// A read-only window on labelled rows (features row-major n x width, one label per row), so the
// suites can train and evaluate on several experiences' data without copying it.
#pragma once

#include <cstddef>

#include "common/trigger/training_data.h"

namespace l1t::experiment {

struct DataView {
  const float* x = nullptr;
  const float* y = nullptr;
  size_t n = 0;
};

inline DataView view_of(const trigger::TrainingSet& s) {
  return {s.x.data(), s.y.data(), s.rows()};
}

}  // namespace l1t::experiment
