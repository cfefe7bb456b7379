// GECO (src/train/geco.*): the KL weight follows the update rule of train/geco.hpp step by step,
// falls while the reconstruction is worse than the tolerance and recovers once it is better,
// stays within its bounds, and its state round-trips (checkpoints).
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "train/geco.hpp"

namespace hnn {
namespace {

TEST(Geco, FollowsTheUpdateRule) {
  GecoOptions o;
  o.tolerance = 1e-3;
  o.alpha = 0.9;
  o.rate = 0.05;
  Geco g(o);
  EXPECT_DOUBLE_EQ(g.weight(), 1.0);
  g.update(3e-3);  // C = 2e-3: C_ma = C, ln λ = 0.05 · tanh 2
  EXPECT_NEAR(g.constraint_average(), 2e-3, 1e-18);
  EXPECT_NEAR(g.weight(), std::exp(-0.05 * std::tanh(2.0)), 1e-15);
  g.update(2e-3);  // C = 1e-3: C_ma = 0.9·2e-3 + 0.1·1e-3 = 1.9e-3, ln λ += 0.05 · tanh 1.9
  EXPECT_NEAR(g.constraint_average(), 1.9e-3, 1e-18);
  EXPECT_NEAR(g.weight(), std::exp(-0.05 * (std::tanh(2.0) + std::tanh(1.9))), 1e-15);
  g.update(-1.0);  // far below κ: ln λ falls by at most γ per step
  EXPECT_NEAR(g.weight(), std::exp(-0.05 * (std::tanh(2.0) + std::tanh(1.9) + std::tanh(
                                                 (0.9 * 1.9e-3 + 0.1 * (-1.0 - 1e-3)) / 1e-3))),
              1e-15);
}

TEST(Geco, WeightFallsWhileTheConstraintIsViolatedAndRecovers) {
  GecoOptions o;
  Geco g(o);
  for (int i = 0; i < 300; ++i) g.update(10 * o.tolerance);  // ln 1e6 / γ = 276 steps
  EXPECT_NEAR(g.weight(), o.min_weight, 1e-12);  // clamped at w_min
  const double low = g.weight();
  // C_ma (α = 0.99) first decays from +9κ through 0 (about 230 steps), then w rises.
  for (int i = 0; i < 1000; ++i) g.update(0.1 * o.tolerance);
  EXPECT_GT(g.weight(), 100 * low);
  EXPECT_LE(g.weight(), o.max_weight);
}

TEST(Geco, DisabledKeepsTheInitialWeight) {
  GecoOptions o;
  o.enabled = false;
  o.initial_weight = 0.25;
  Geco g(o);
  for (int i = 0; i < 10; ++i) g.update(1.0);
  EXPECT_DOUBLE_EQ(g.weight(), 0.25);
}

TEST(Geco, StateRoundTripsAndBadInputIsRejected) {
  Geco a{GecoOptions{}};
  a.update(5e-3);
  a.update(4e-3);
  Geco b{GecoOptions{}};
  b.set_state(a.state());
  a.update(2e-3);
  b.update(2e-3);
  EXPECT_EQ(a.weight(), b.weight());  // exact: the restart must continue the run bit for bit
  EXPECT_THROW(b.set_state({1.0}), IoError);
  GecoOptions bad;
  bad.tolerance = 0;
  EXPECT_THROW(Geco{bad}, ConfigError);
  bad = GecoOptions{};
  bad.alpha = 1.0;
  EXPECT_THROW(Geco{bad}, ConfigError);
}

}  // namespace
}  // namespace hnn
