#include "common/experiment/epoch_trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace l1t::experiment {
namespace {

// Records every row it is stepped on (by its first feature, a unique id) and returns the
// batch's mean id as its "loss", so the epoch mean is checkable.
class RecordingAlgorithm final : public nn::Algorithm {
 public:
  double step(nn::FloatMlp&, const float* x, const float* y, size_t n, const nn::LossOptions&,
              nn::Strategy*, double*) override {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
      seen.push_back(x[i * width]);
      labels[x[i * width]] = y[i];
      sum += x[i * width];
    }
    batch_sizes.push_back(n);
    return sum / static_cast<double>(n);
  }
  void reset() override {}
  std::string_view name() const override { return "recording"; }

  int width = 2;
  std::vector<float> seen;
  std::map<float, float> labels;
  std::vector<size_t> batch_sizes;
};

TEST(EpochTrainerTest, VisitsEveryRowOfEverySetOncePerEpoch) {
  // Two sets: ids 0..6 (label 0) and 100..104 (label 1), two features per row.
  std::vector<float> ax, ay, bx, by;
  for (int i = 0; i < 7; ++i) ax.insert(ax.end(), {float(i), 0}), ay.push_back(0);
  for (int i = 0; i < 5; ++i) bx.insert(bx.end(), {float(100 + i), 0}), by.push_back(1);
  const std::vector<DataView> sets = {{ax.data(), ay.data(), 7}, {bx.data(), by.data(), 5}};
  nn::FloatMlp model({2, 1});
  RecordingAlgorithm alg;
  EpochTrainer trainer(2);
  std::mt19937_64 rng(1);
  const double loss = trainer.run_epoch(alg, model, sets, 5, rng);

  ASSERT_EQ(alg.seen.size(), 12u);
  EXPECT_EQ(alg.batch_sizes, (std::vector<size_t>{5, 5, 2}));
  std::vector<float> sorted = alg.seen;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 100, 101, 102, 103, 104}));
  for (const auto& [id, label] : alg.labels) EXPECT_EQ(label, id >= 100 ? 1.0f : 0.0f) << id;
  // Row-weighted mean of batch means = mean id.
  EXPECT_NEAR(loss, (21.0 + 510.0) / 12.0, 1e-9);
  // Shuffled: not in storage order, and a second epoch takes another order.
  EXPECT_NE(alg.seen, (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 100, 101, 102, 103, 104}));
  const std::vector<float> first(alg.seen);
  alg.seen.clear();
  trainer.run_epoch(alg, model, sets, 5, rng);
  EXPECT_NE(alg.seen, first);
}

TEST(EpochTrainerTest, NoRowsIsNaN) {
  nn::FloatMlp model({2, 1});
  RecordingAlgorithm alg;
  EpochTrainer trainer(2);
  std::mt19937_64 rng(1);
  EXPECT_TRUE(std::isnan(trainer.run_epoch(alg, model, {}, 4, rng)));
  EXPECT_TRUE(alg.seen.empty());
}

}  // namespace
}  // namespace l1t::experiment
