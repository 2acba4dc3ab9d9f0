// The whole 5-25(ReLU)-30(ReLU)-1(sigmoid) network of mlp_cases.txt, every intermediate.
#include "common/nn/inference/fixed_predict.h"
#include "tests/support/golden_rows.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace l1t::nn {
namespace {

using fixed::Spec;

using testing::read_golden_rows;

FixedDense layer(int n_in, int n_out, Activation act, std::vector<int64_t>::const_iterator* it) {
  FixedDense d;
  d.n_in = n_in;
  d.n_out = n_out;
  d.weight = d.bias = d.accum = d.result = d.activation_result = Spec{16, 6};
  d.activation = act;
  d.weights.assign(*it, *it + n_in * n_out);
  *it += n_in * n_out;
  d.biases.assign(*it, *it + n_out);
  *it += n_out;
  return d;
}

// set -> model, all hls4ml defaults (ap_fixed<16,6> everywhere, table ap_fixed<18,8> x 1024).
void golden_models(std::map<int64_t, FixedModel>* models) {
  std::vector<std::vector<int64_t>> rows;
  ASSERT_NO_FATAL_FAILURE(read_golden_rows("mlp_weights.txt", &rows));
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 1u + 125 + 25 + 750 + 30 + 30 + 1);
    auto it = r.cbegin() + 1;
    FixedModel m;
    m.input = Spec{16, 6};
    m.layers.push_back(layer(5, 25, Activation::kRelu, &it));
    m.layers.push_back(layer(25, 30, Activation::kRelu, &it));
    m.layers.push_back(layer(30, 1, Activation::kSigmoid, &it));
    (*models)[r[0]] = m;
  }
}

TEST(FixedPredictGolden, MlpEveryIntermediate) {
  std::map<int64_t, FixedModel> models;
  ASSERT_NO_FATAL_FAILURE(golden_models(&models));
  ASSERT_EQ(models.size(), 5u);
  std::map<int64_t, FixedPredictor> predictors;
  for (const auto& [set, m] : models) {
    std::string error;
    ASSERT_TRUE(check_fixed_model(m, &error)) << error;
    predictors.emplace(set, FixedPredictor(m));
  }
  std::vector<std::vector<int64_t>> cases;
  ASSERT_NO_FATAL_FAILURE(read_golden_rows("mlp_cases.txt", &cases));
  ASSERT_EQ(cases.size(), 1000u);
  const int sizes[] = {25, 25, 30, 30, 1, 1};  // d1 r1 d2 r2 d3 sig
  int failures = 0;
  for (const auto& c : cases) {
    ASSERT_EQ(c.size(), 2u + 5 + 25 + 25 + 30 + 30 + 1 + 1);
    FixedTrace trace;
    int64_t out = 0;
    predictors.at(c[0]).predict(c.data() + 2, &out, &trace);
    const std::vector<int64_t>* got[] = {&trace.dense[0], &trace.activation[0],
                                         &trace.dense[1], &trace.activation[1],
                                         &trace.dense[2], &trace.activation[2]};
    size_t at = 7;
    for (int k = 0; k < 6; ++k) {
      ASSERT_EQ(got[k]->size(), static_cast<size_t>(sizes[k]));
      for (int j = 0; j < sizes[k]; ++j, ++at) {
        if ((*got[k])[j] != c[at] && ++failures < 20) {
          ADD_FAILURE() << "set " << c[0] << " case " << c[1] << " stage " << k << " out " << j
                        << ": got " << (*got[k])[j] << " want " << c[at];
        }
      }
    }
    EXPECT_EQ(out, c.back());
    // The one-shot helper agrees.
    if (c[1] == 0) {
      EXPECT_EQ(fixed_predict(models.at(c[0]), c.data() + 2), std::vector{out});
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(FixedPredict, CheckModelSaysWhatIsWrong) {
  FixedModel m;
  std::string error;
  EXPECT_FALSE(check_fixed_model(m, &error));
  EXPECT_NE(error.find("no layers"), std::string::npos);
  FixedDense d;
  d.n_in = 2;
  d.n_out = 3;
  d.weights.assign(6, 0);
  d.biases.assign(3, 0);
  m.layers = {d, d};
  EXPECT_FALSE(check_fixed_model(m, &error));
  EXPECT_NE(error.find("layer 1: n_in 2 != previous n_out 3"), std::string::npos) << error;
  m.layers = {d};
  m.layers[0].weights.pop_back();
  EXPECT_FALSE(check_fixed_model(m, &error));
  EXPECT_NE(error.find("expected 6 weights, got 5"), std::string::npos) << error;
  m.layers = {d};
  m.layers[0].weights[1] = 40000;
  EXPECT_FALSE(check_fixed_model(m, &error));
  EXPECT_NE(error.find("outside ap_fixed<16,6>"), std::string::npos) << error;
  m.layers = {d};
  m.layers[0].accum.width = 70;
  EXPECT_FALSE(check_fixed_model(m, &error));
  EXPECT_NE(error.find("accum_t"), std::string::npos) << error;
  m.layers = {d};
  m.layers[0].activation = Activation::kSigmoid;
  m.sigmoid_table_size = 1;
  EXPECT_FALSE(check_fixed_model(m, &error));
  EXPECT_NE(error.find("sigmoid table size 1"), std::string::npos) << error;
  m.sigmoid_table_size = 1024;
  EXPECT_TRUE(check_fixed_model(m, &error)) << error;
}

TEST(FixedPredict, InputsAreWrappedIntoInputT) {
  FixedModel m;
  m.input = Spec{8, 3};
  FixedDense d;
  d.n_in = 1;
  d.n_out = 1;
  d.weight = d.bias = d.accum = d.result = d.activation_result = Spec{16, 6};
  d.weights = {1024};  // 1.0
  d.biases = {0};
  m.layers = {d};
  EXPECT_EQ(load_input(200, m), 200 - 256);
  // 200 raw in ap_fixed<8,3> wraps to -56 (= -1.75); times 1.0 into ap_fixed<16,6>.
  const int64_t x = 200;
  EXPECT_EQ(fixed_predict(m, &x), std::vector<int64_t>{-56 * 32});
}

}  // namespace
}  // namespace l1t::nn
