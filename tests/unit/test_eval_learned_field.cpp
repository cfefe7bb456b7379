// The adapters that integrate trained models (models/learned_field.hpp): ∇H_θ against central
// finite differences of H_θ, field = Ω∇H_θ = the model's own predicted field, and the implicit
// midpoint rule on a learned H conserving H_θ over a long run (bounded error, no drift).
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "integrators/implicit_midpoint.hpp"
#include "integrators/leapfrog.hpp"
#include "io/config.hpp"
#include "models/learned_field.hpp"
#include "models/registry.hpp"

namespace {

using hnn::Mat;
using hnn::Vec;

struct Trained {
  std::unique_ptr<hnn::Model> model;
  Vec theta;
};

// A randomly initialised model (the adapters do not care whether it was trained).
Trained make(const std::string& kind, int dim, const std::string& extra = "") {
  Trained t;
  const std::string input = "[model]\nkind = \"" + kind + "\"\nhidden = [16, 16]\n" + extra;
  t.model = hnn::make_model(hnn::Config::from_string(input).section("model"), dim);
  t.theta.resize(t.model->n_params());
  hnn::Rng rng(11, 0);
  t.model->init_params(rng, t.theta);
  return t;
}

Vec state(int dim, std::uint64_t stream) {
  hnn::Rng rng(5, stream);
  Vec x(dim);
  for (int i = 0; i < dim; ++i) x[i] = rng.uniform(-1.5, 1.5);
  return x;
}

TEST(EvalLearnedField, GradientMatchesCentralDifferences) {
  for (const std::string kind : {"hnn", "separable_hnn"}) {
    const auto t = make(kind, 4);
    const hnn::LearnedHamiltonian H(*t.model, t.theta);
    EXPECT_FALSE(H.separable());
    for (std::uint64_t s = 0; s < 5; ++s) {
      const Vec x = state(4, s);
      Vec g(4);
      H.gradient(x, g);
      // Central differences: error ~ h²·|H'''|/6 + eps·|H|/h ≈ 1e-11 at h = 1e-5 for an O(1)
      // network; measured ≤ 1.4e-11 (relative), bound 1e-9.
      const double h = 1e-5;
      for (int i = 0; i < 4; ++i) {
        Vec xp = x, xm = x;
        xp[i] += h;
        xm[i] -= h;
        const double fd = (H.energy(xp) - H.energy(xm)) / (2 * h);
        EXPECT_NEAR(g[i], fd, 1e-9 * (1 + std::abs(fd))) << kind << " component " << i;
      }
    }
  }
}

TEST(EvalLearnedField, FieldIsOmegaGradientAndTheModelsPrediction) {
  const auto t = make("hnn", 4);
  const hnn::LearnedHamiltonian H(*t.model, t.theta);
  auto ws = t.model->make_workspace();
  for (std::uint64_t s = 0; s < 5; ++s) {
    const Vec x = state(4, s);
    Vec g(4), f(4);
    H.gradient(x, g);
    H.field(x, f);
    // Ω∇H: dq/dt = ∂H/∂p, dp/dt = −∂H/∂q; exact (the same numbers, copied and negated).
    EXPECT_EQ(f[0], g[2]);
    EXPECT_EQ(f[1], g[3]);
    EXPECT_EQ(f[2], -g[0]);
    EXPECT_EQ(f[3], -g[1]);
    // The model's own predicted field (one column through the same network): equal to rounding.
    Mat pred(4, 1);
    t.model->predict_field(t.theta, x, *ws, pred);
    EXPECT_LT((pred.col(0) - f).cwiseAbs().maxCoeff(), 1e-14 * (1 + f.cwiseAbs().maxCoeff()));
    // H_θ as the model computes it.
    Mat h(1, 1), gm(4, 1);
    t.model->energy_and_gradient(t.theta, x, *ws, h, gm);
    EXPECT_EQ(h(0, 0), H.energy(x));
  }
}

TEST(EvalLearnedField, BaselineFieldIsThePrediction) {
  const auto t = make("baseline", 2);
  const hnn::LearnedField F(*t.model, t.theta);
  EXPECT_EQ(F.dim(), 2);
  auto ws = t.model->make_workspace();
  const Vec x = state(2, 0);
  Vec f(2);
  F.field(x, f);
  Mat pred(2, 1);
  t.model->predict_field(t.theta, x, *ws, pred);
  EXPECT_EQ((pred.col(0) - f).cwiseAbs().maxCoeff(), 0.0);
  // A baseline has no H; a wrong parameter count is refused.
  EXPECT_THROW(hnn::LearnedHamiltonian(*t.model, t.theta), hnn::ConfigError);
  const Vec wrong = Vec::Zero(3);
  EXPECT_THROW(hnn::LearnedField(*t.model, wrong), hnn::ConfigError);
}

TEST(EvalLearnedField, ImplicitMidpointConservesLearnedEnergy) {
  const auto t = make("hnn", 2);
  const hnn::LearnedHamiltonian H(*t.model, t.theta);
  hnn::ImplicitMidpoint im(0.01);
  Vec x = state(2, 1);
  const double h0 = H.energy(x);
  double worst = 0, first = 0, last = 0;
  const int steps = 1000;
  for (int k = 1; k <= steps; ++k) {
    im.step(H, 0.01, x);
    const double err = H.energy(x) - h0;
    worst = std::max(worst, std::abs(err));
    if (k <= 100) first += err / 100;
    if (k > steps - 100) last += err / 100;
  }
  // Symplectic: the energy error is O(dt²) and oscillates without growing. Measured for this
  // network (H0 ≈ 0.062): max |ΔH| = 2.1e-10, and the mean error of the last 100 steps differs
  // from that of the first 100 by 1.7e-10. Bounds have a margin of ~10.
  EXPECT_LT(worst, 2e-9) << "H0 = " << h0;
  EXPECT_LT(std::abs(last - first), 2e-9);
  // Explicit symplectic methods need a separable H: refused, not silently wrong.
  hnn::Leapfrog lf(0.01);
  std::vector<double> out(2);
  const std::vector<double> times{0.01};
  EXPECT_THROW(lf.integrate(H, state(2, 1), 0.0, times, out.data()), hnn::ConfigError);
}

}  // namespace
