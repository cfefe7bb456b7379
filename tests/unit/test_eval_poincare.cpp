// The Hermite root finder of `hnn poincare` (src/eval/poincare.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/error.hpp"
#include "eval/poincare.hpp"

namespace hnn {
namespace {

// A cubic is its own Hermite interpolant: the root is found to rounding.
TEST(PoincareHermite, CubicRootExact) {
  // p(t) = (t − t*)(t² + 1) on [2, 2.5], t* = 2.2.
  const double t0 = 2.0, h = 0.5, ts = 2.2;
  auto p = [&](double t) { return (t - ts) * (t * t + 1); };
  auto dp = [&](double t) { return 3 * t * t - 2 * ts * t + 1; };
  const double s = hermite_root(p(t0), p(t0 + h), dp(t0), dp(t0 + h), h);
  EXPECT_NEAR(t0 + s * h, ts, 1e-14);
  // Downward crossing: −p.
  const double s2 = hermite_root(-p(t0), -p(t0 + h), -dp(t0), -dp(t0 + h), h);
  EXPECT_NEAR(t0 + s2 * h, ts, 1e-14);
  // The interpolant reproduces the cubic anywhere on the interval.
  for (double u : {0.0, 0.13, 0.5, 0.77, 1.0})
    EXPECT_NEAR(hermite_eval(p(t0), p(t0 + h), dp(t0), dp(t0 + h), h, u), p(t0 + u * h), 1e-13);
}

// sin(t) around π: root error O(h⁴) (|g⁗| <= 1: error <= h⁴/384 per unit slope).
TEST(PoincareHermite, SineRootFourthOrder) {
  for (double h : {0.2, 0.05, 0.01}) {
    const double t0 = std::numbers::pi - 0.37 * h;
    const double s = hermite_root(std::sin(t0), std::sin(t0 + h), std::cos(t0), std::cos(t0 + h), h);
    const double err = std::abs(t0 + s * h - std::numbers::pi);
    EXPECT_LT(err, std::pow(h, 4) / 384 + 1e-15) << "h = " << h;
    // State interpolation (cos at the root) to the same order.
    const double c = hermite_eval(std::cos(t0), std::cos(t0 + h), -std::sin(t0), -std::sin(t0 + h),
                                  h, s);
    EXPECT_NEAR(c, -1.0, std::pow(h, 4) / 384 + 1e-15) << "h = " << h;
  }
  // h = 0.01 (the default sample_dt): root to 1e-10.
  const double h = 0.01, t0 = std::numbers::pi - 0.004;
  const double s = hermite_root(std::sin(t0), std::sin(t0 + h), std::cos(t0), std::cos(t0 + h), h);
  EXPECT_LT(std::abs(t0 + s * h - std::numbers::pi), 1e-10);
}

TEST(PoincareHermite, EndsAndErrors) {
  EXPECT_EQ(hermite_root(0.0, 1.0, 1.0, 1.0, 0.1), 0.0);
  EXPECT_EQ(hermite_root(-1.0, 0.0, 1.0, 1.0, 0.1), 1.0);
  EXPECT_THROW(hermite_root(1.0, 2.0, 1.0, 1.0, 0.1), NumericsError);
}

}  // namespace
}  // namespace hnn
