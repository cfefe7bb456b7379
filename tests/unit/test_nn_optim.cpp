// Optimisation (src/nn/adam.*, schedule.*, clip.*): Adam against PyTorch's formulas evaluated by
// hand in long double, with and without (L2) weight decay; learning-rate schedules at given steps;
// gradient-norm clipping as torch.nn.utils.clip_grad_norm_. Tolerances say why they have their
// size.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <string>

#include "core/error.hpp"
#include "nn/adam.hpp"
#include "nn/clip.hpp"
#include "nn/schedule.hpp"

namespace hnn {
namespace {

// For RecordProperty: the measured errors, readable in --gtest_output=xml.
std::string sci(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2e", x);
  return buf;
}

using Vec = Eigen::VectorXd;

// A tiny problem: f(θ) = ½ Σ c_i (θ_i − y_i)², ∇f = c ⊙ (θ − y).
struct Quadratic {
  Vec c{{1.0, 20.0, 0.05}}, y{{0.3, -1.0, 2.0}};
  Vec grad(const Vec& th) const { return c.cwiseProduct(th - y); }
};

// The PyTorch Adam formulas, textbook form, in long double:
//   g = ∇ + wd θ;  m = β1 m + (1−β1) g;  v = β2 v + (1−β2) g²;
//   θ = θ − lr (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + eps)
// with the constants as PyTorch has them: β1 = 0.9 and β2 = 0.999 as doubles, and 1 − β computed
// in double by Python (1 − 0.999 = 1.0000000000000009e−3: a 9e−16 relative offset that a long
// double 1 − β2 would not reproduce).
struct Reference {
  long double th[3], m[3] = {}, v[3] = {};
  void step(const Quadratic& q, int t, long double lr, long double wd) {
    const long double w1 = 1.0 - 0.9, w2 = 1.0 - 0.999, b2 = 0.999, eps = 1e-8;
    const long double b1 = 0.9;
    for (int i = 0; i < 3; ++i) {
      const long double g = q.c[i] * (th[i] - q.y[i]) + wd * th[i];
      m[i] = (1 - w1) * m[i] + w1 * g;  // torch's lerp(m, g, w1)
      v[i] = b2 * v[i] + w2 * g * g;
      const long double mhat = m[i] / (1 - std::pow(b1, t)), vhat = v[i] / (1 - std::pow(b2, t));
      th[i] -= lr * mhat / (std::sqrt(vhat) + eps);
    }
  }
};

double rel(double a, long double ref) {
  return static_cast<double>(std::abs((static_cast<long double>(a) - ref) / ref));
}

// 1e-15 relative on θ, m and v after 6 steps (the brief's bound, ~4.5 ulp): the double
// implementation rounds at each of a handful of operations per step; θ moves by ~1e-3 per step, so
// its rounding is far below that, while m and v carry a few ulp.
void check_adam(double wd) {
  const Quadratic q;
  AdamOptions opt;
  opt.weight_decay = wd;
  Adam<double> adam(3, opt);
  Vec th{{1.0, 0.5, -2.0}};
  Reference ref{{1.0L, 0.5L, -2.0L}};
  double worst = 0;
  for (int t = 1; t <= 6; ++t) {
    adam.step(th, q.grad(th));
    ref.step(q, t, 1e-3L, wd);
    for (int i = 0; i < 3; ++i) {
      EXPECT_LE(rel(th[i], ref.th[i]), 1e-15) << "θ" << i << " step " << t;
      EXPECT_LE(rel(adam.state().m[i], ref.m[i]), 1e-15) << "m" << i << " step " << t;
      EXPECT_LE(rel(adam.state().v[i], ref.v[i]), 1e-15) << "v" << i << " step " << t;
      worst = std::max({worst, rel(th[i], ref.th[i]), rel(adam.state().m[i], ref.m[i]),
                        rel(adam.state().v[i], ref.v[i])});
    }
  }
  EXPECT_EQ(adam.state().step, 6);
  ::testing::Test::RecordProperty(wd == 0 ? "adam_rel_err_no_wd" : "adam_rel_err_wd", sci(worst));
}

TEST(Adam, MatchesPyTorchFormulasWithoutWeightDecay) { check_adam(0.0); }
TEST(Adam, MatchesPyTorchFormulasWithWeightDecay) { check_adam(0.1); }

// By hand: the first step moves each parameter by lr · g / (|g| + eps) (m̂ = g, v̂ = g²).
TEST(Adam, FirstStepIsLrTimesSignOfGradient) {
  Adam<double> adam(2);
  Vec th{{0.0, 1.0}};
  const Vec g{{2.0, -1e-9}};
  adam.step(th, g, 0.01);
  EXPECT_NEAR(th[0], -0.01 * 2.0 / (2.0 + 1e-8), 1e-17);         // round-off of ~1e-2 values
  EXPECT_NEAR(th[1], 1.0 + 0.01 * 1e-9 / (1e-9 + 1e-8), 1e-15);  // eps dominates a tiny gradient
}

// A checkpointed state resumes the same trajectory bit for bit; float32 runs the same formulas.
TEST(Adam, StateRoundTripAndFloat) {
  const Quadratic q;
  AdamOptions opt;
  opt.weight_decay = 1e-4;
  Adam<double> a(3, opt), b(3, opt);
  Vec ta{{1.0, 0.5, -2.0}};
  for (int t = 0; t < 3; ++t) a.step(ta, q.grad(ta));
  Vec tb = ta;
  b.set_state(a.state());
  for (int t = 0; t < 3; ++t) {
    a.step(ta, q.grad(ta));
    b.step(tb, q.grad(tb));
  }
  EXPECT_EQ(ta, tb);
  EXPECT_THROW(b.set_state(Adam<double>::State{Vec::Zero(2), Vec::Zero(2), 0}),
               std::invalid_argument);

  Adam<float> f(3, opt);
  Eigen::VectorXf tf = Vec{{1.0, 0.5, -2.0}}.cast<float>();
  Vec td{{1.0, 0.5, -2.0}};
  Adam<double> d(3, opt);
  for (int t = 0; t < 5; ++t) {
    f.step(tf, q.grad(tf.cast<double>()).cast<float>());
    d.step(td, q.grad(td));
  }
  // float rounding (6e-8) of O(1) parameters, a few operations per step.
  EXPECT_LE((tf.cast<double>() - td).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_THROW(Adam<double>(3, AdamOptions{1e-3, 1.0}), ConfigError);
}

// ---------------------------------------------------------------------------------------------
// Schedules (exact arithmetic of the closed forms; compared to 1 ulp-level tolerances)

TEST(Schedule, ConstantStepAndCosineAtGivenSteps) {
  LrSchedule c;
  c.lr = 1e-3;
  EXPECT_EQ(learning_rate(c, 0), 1e-3);
  EXPECT_EQ(learning_rate(c, 123456), 1e-3);

  LrSchedule s;
  s.kind = LrSchedule::Kind::step;
  s.lr = 1e-3;
  s.milestones = {10, 20};
  s.gamma = 0.5;
  validate(s);
  EXPECT_EQ(learning_rate(s, 0), 1e-3);
  EXPECT_EQ(learning_rate(s, 9), 1e-3);
  EXPECT_EQ(learning_rate(s, 10), 5e-4);  // MultiStepLR: the milestone step already uses γ
  EXPECT_EQ(learning_rate(s, 19), 5e-4);
  EXPECT_EQ(learning_rate(s, 20), 2.5e-4);
  EXPECT_EQ(learning_rate(s, 100000), 2.5e-4);

  LrSchedule k;
  k.kind = LrSchedule::Kind::cosine;
  k.lr = 1e-3;
  k.t_max = 100;
  k.eta_min = 1e-5;
  validate(k);
  EXPECT_DOUBLE_EQ(learning_rate(k, 0), 1e-3);
  EXPECT_DOUBLE_EQ(learning_rate(k, 50), (1e-3 + 1e-5) / 2);
  EXPECT_DOUBLE_EQ(learning_rate(k, 25), 1e-5 + (1e-3 - 1e-5) * (1 + std::sqrt(0.5)) / 2);
  EXPECT_NEAR(learning_rate(k, 100), 1e-5, 1e-20);                // cos(π) = −1 to round-off
  EXPECT_DOUBLE_EQ(learning_rate(k, 150), learning_rate(k, 50));  // PyTorch's periodic form
}

TEST(Schedule, NamesAndValidation) {
  for (auto kind : {LrSchedule::Kind::constant, LrSchedule::Kind::step, LrSchedule::Kind::cosine})
    EXPECT_EQ(schedule_kind_from_name(schedule_kind_name(kind)), kind);
  try {
    schedule_kind_from_name("plateau");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("constant, step, cosine"), std::string::npos);
  }
  LrSchedule s;
  s.kind = LrSchedule::Kind::step;
  s.milestones = {20, 10};
  EXPECT_THROW(validate(s), ConfigError);
  LrSchedule k;
  k.kind = LrSchedule::Kind::cosine;
  k.t_max = 0;
  EXPECT_THROW(validate(k), ConfigError);
}

// ---------------------------------------------------------------------------------------------
// Clipping

TEST(Clip, RescalesToTheMaxNormAndReturnsTheNormBefore) {
  Vec g{{3.0, 4.0}};
  EXPECT_DOUBLE_EQ(clip_grad_norm<double>(g, 1.0), 5.0);
  // torch: coefficient max_norm / (total + 1e-6), so the norm after is 1 − 2e-7, not 1.
  EXPECT_NEAR(g.norm(), 5.0 / (5.0 + 1e-6), 1e-15);
  EXPECT_NEAR(g[0] / g[1], 0.75, 1e-15);  // direction kept

  Vec small{{0.3, 0.4}};
  EXPECT_DOUBLE_EQ(clip_grad_norm<double>(small, 1.0), 0.5);
  EXPECT_EQ(small, (Vec{{0.3, 0.4}}));  // below the max: untouched

  Eigen::VectorXf gf = Eigen::VectorXf::Constant(100, 1.0f);
  EXPECT_NEAR(clip_grad_norm<float>(gf, 2.0), 10.0, 1e-12);  // accumulated in double
  EXPECT_NEAR(gf.norm(), 2.0f, 1e-6f);                       // float rounding

  Vec bad{{1.0, std::numeric_limits<double>::infinity()}};
  EXPECT_FALSE(std::isfinite(clip_grad_norm<double>(bad, 1.0)));
  EXPECT_EQ(bad[0], 1.0);  // left for the caller to handle
  EXPECT_THROW(clip_grad_norm<double>(g, 0.0), ConfigError);
}

}  // namespace
}  // namespace hnn
