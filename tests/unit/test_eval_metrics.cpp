// The evaluation metrics (eval/metrics.hpp) on hand-made numbers, against values worked out by
// hand (and checked with numpy: np.std is ddof = 0, np.array_split for the groups).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "eval/metrics.hpp"

namespace {

using hnn::Mat;

TEST(EvalMetrics, LossAndItsPlusMinus) {
  // Two samples (columns) of a 2-d state; errors (1, 0) and (2, 1): squared 1, 0, 4, 1.
  Mat pred(2, 2), target = Mat::Zero(2, 2);
  pred << 1, 2,
          0, 1;
  const auto r = hnn::loss_with_pm(pred, target);
  // mean = 6/4 = 1.5; std(1, 0, 4, 1) = sqrt(((0.25 + 2.25 + 6.25 + 0.25)/4) = sqrt(2.25) = 1.5;
  // ± = 1.5 / sqrt(rows = 2).
  EXPECT_DOUBLE_EQ(r.mean, 1.5);
  EXPECT_NEAR(r.pm, 1.5 / std::sqrt(2.0), 1e-15);
}

TEST(EvalMetrics, GroupedStandardErrorEqualGroups) {
  // Ten per-rollout means in 5 groups of 2: group means 1, 2, 3, 4, 5; std = sqrt(2).
  const std::vector<double> v{0.5, 1.5, 2, 2, 3, 3, 3.5, 4.5, 5, 5};
  EXPECT_NEAR(hnn::grouped_standard_error(v, 5), std::sqrt(2.0) / std::sqrt(5.0), 1e-15);
}

TEST(EvalMetrics, GroupedStandardErrorArraySplit) {
  // Seven values in 5 groups as numpy's array_split: sizes 2, 2, 1, 1, 1.
  const std::vector<double> v{0, 2, 4, 4, 5, 7, 9};  // group means 1, 4, 5, 7, 9: mean 5.2
  const double var = (4.2 * 4.2 + 1.2 * 1.2 + 0.2 * 0.2 + 1.8 * 1.8 + 3.8 * 3.8) / 5;
  EXPECT_NEAR(hnn::grouped_standard_error(v, 5), std::sqrt(var) / std::sqrt(5.0), 1e-14);
  EXPECT_TRUE(std::isnan(hnn::grouped_standard_error(std::vector<double>{1, 2, 3}, 5)));
}

TEST(EvalMetrics, EnergyMseFiveRollouts) {
  // 5 rollouts x 2 times; squared errors of rollout i are (i, i + 2): per-rollout means i + 1.
  Mat learned(5, 2), truth = Mat::Zero(5, 2);
  for (int i = 0; i < 5; ++i) {
    learned(i, 0) = std::sqrt(static_cast<double>(i));
    learned(i, 1) = -std::sqrt(i + 2.0);
  }
  const auto r = hnn::energy_mse(learned, truth);
  EXPECT_NEAR(r.mean, 3.0, 1e-14);  // mean of 1..5
  // One rollout per group: std(1, 2, 3, 4, 5) = sqrt(2), ± = sqrt(2)/sqrt(5).
  EXPECT_NEAR(r.pm, std::sqrt(2.0 / 5.0), 1e-14);
}

TEST(EvalMetrics, EnergyMseFifteenRolloutsGroupsOfThree) {
  // 15 rollouts with per-rollout squared error c_i constant in time: group g holds rollouts
  // 3g..3g+2, whose means are what the reference averages.
  Mat learned(15, 4), truth = Mat::Zero(15, 4);
  std::vector<double> c(15);
  for (int i = 0; i < 15; ++i) {
    c[static_cast<std::size_t>(i)] = 0.1 * i * i;
    learned.row(i).setConstant(std::sqrt(c[static_cast<std::size_t>(i)]));
  }
  std::vector<double> g(5);
  double mean = 0;
  for (int k = 0; k < 5; ++k) {
    g[static_cast<std::size_t>(k)] = (c[3 * k] + c[3 * k + 1] + c[3 * k + 2]) / 3;
    mean += g[static_cast<std::size_t>(k)] / 5;
  }
  double var = 0;
  for (double x : g) var += (x - mean) * (x - mean) / 5;
  const auto r = hnn::energy_mse(learned, truth);
  EXPECT_NEAR(r.mean, mean, 1e-13);
  EXPECT_NEAR(r.pm, std::sqrt(var / 5), 1e-13);
}

TEST(EvalMetrics, EnergyMseOneRolloutGroupsTimes) {
  // One (measured) rollout of 10 times: the 5 groups are consecutive pairs of times.
  Mat learned(1, 10), truth = Mat::Zero(1, 10);
  const double sq[10] = {0, 2, 1, 3, 2, 4, 3, 5, 4, 6};  // pair means 1, 2, 3, 4, 5
  for (int k = 0; k < 10; ++k) learned(0, k) = std::sqrt(sq[k]);
  const auto r = hnn::energy_mse(learned, truth);
  EXPECT_NEAR(r.mean, 3.0, 1e-14);
  EXPECT_NEAR(r.pm, std::sqrt(2.0 / 5.0), 1e-14);
}

TEST(EvalMetrics, StateMseAndDrift) {
  Mat a(2, 3), b = Mat::Zero(2, 3);
  a << 1, 0, 2,
       0, 1, 0;  // squared errors 1, 0, 0, 1, 4, 0: mean 1
  EXPECT_DOUBLE_EQ(hnn::state_mse(a, b), 1.0);
  Mat e(2, 3);
  e << 1.0, 5.0, 1.5,   // |1.5 − 1| = 0.5 (the largest excursion in between does not count)
       2.0, 2.0, 1.25;  // |1.25 − 2| = 0.75
  EXPECT_DOUBLE_EQ(hnn::energy_drift(e), 0.75);
}

}  // namespace
