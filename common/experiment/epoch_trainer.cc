#include "common/experiment/epoch_trainer.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace l1t::experiment {

double EpochTrainer::run_epoch(nn::Algorithm& algorithm, nn::FloatMlp& model,
                               std::span<const DataView> sets, size_t batch, std::mt19937_64& rng,
                               const nn::LossOptions& loss) {
  std::vector<uint64_t> offsets{0};  // offsets[k]: global number of set k's first row
  for (const auto& s : sets) offsets.push_back(offsets.back() + s.n);
  const uint64_t total = offsets.back();
  if (total == 0) return std::numeric_limits<double>::quiet_NaN();
  batch = std::max<size_t>(batch, 1);
  order_.resize(total);
  std::iota(order_.begin(), order_.end(), uint64_t{0});
  std::shuffle(order_.begin(), order_.end(), rng);
  bx_.resize(batch * width_);
  by_.resize(batch);
  double sum = 0;
  for (uint64_t start = 0; start < total; start += batch) {
    const size_t rows = static_cast<size_t>(std::min<uint64_t>(batch, total - start));
    for (size_t r = 0; r < rows; ++r) {
      const uint64_t g = order_[start + r];
      const size_t k = static_cast<size_t>(std::upper_bound(offsets.begin(), offsets.end(), g) -
                                           offsets.begin() - 1);
      const size_t i = static_cast<size_t>(g - offsets[k]);
      std::copy_n(sets[k].x + i * width_, width_, &bx_[r * width_]);
      by_[r] = sets[k].y[i];
    }
    sum += algorithm.step(model, bx_.data(), by_.data(), rows, loss, nullptr, nullptr) *
           static_cast<double>(rows);
  }
  return sum / static_cast<double>(total);
}

}  // namespace l1t::experiment
