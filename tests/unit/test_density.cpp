// Density estimation with symplectic flows (flows/density.hpp): the harmonic latent against the
// Gaussian it is and its normalisation by quadrature; the likelihood and free-energy gradients in
// the flow parameters and in s = ln ω against finite differences; the exact −ln Z of the fixed-end
// harmonic chain; (DensityChain.*) short training runs on that chain, which must recover its
// normal-mode frequencies and its free energy; and (DensityRing.*) a short free-energy run on Li
// et al.'s 2-D ring, which must beat their published bound.
//
// Finite differences: the 4-point central stencil with h = 1e-3 as in test_flows.cpp (errors
// about 1e-12 relative for O(1) functions); the tolerances sit above that by a margin.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numbers>
#include <vector>

#include "core/rng.hpp"
#include "flows/density.hpp"
#include "flows/flow.hpp"
#include "io/config.hpp"
#include "models/flow_model.hpp"
#include "models/registry.hpp"
#include "nn/adam.hpp"
#include "systems/fput.hpp"
#include "systems/ring.hpp"
#include "train/objective.hpp"

namespace hnn {
namespace {

constexpr double kH = 1e-3;
constexpr double kPi = std::numbers::pi;

double stencil(const std::function<double(double)>& f) {
  return (8 * (f(kH) - f(-kH)) - (f(2 * kH) - f(-2 * kH))) / (12 * kH);
}

Mat normal_matrix(long r, long c, Rng& rng, double s = 1.0) {
  Mat m(r, c);
  for (long i = 0; i < m.size(); ++i) m.data()[i] = s * rng.normal();
  return m;
}

std::unique_ptr<Flow> flow_from(const std::string& toml, int n) {
  const Config cfg = Config::from_string("[model]\n" + toml);
  return make_flow(cfg.section("model"), 2 * n);
}

// θ = [θ_flow, s]: the flow's initial parameters with its buffers (zero_center moving averages)
// set to random non-zero values so that they are exercised, and random s.
Vec random_theta(const Flow& f, Rng& rng) {
  const long np = f.n_params();
  Vec th(np + f.n());
  f.init_params(rng, th.head(np));
  const auto buf = f.buffer_mask();
  for (long i = 0; i < np; ++i)
    if (buf[static_cast<std::size_t>(i)]) th(i) = 0.3 * rng.normal();
  for (long k = 0; k < f.n(); ++k) th(np + k) = 0.5 * rng.normal();
  return th;
}

// Largest |analytic − FD| / max(1, |g|∞) over the trained entries; buffers must have gradient 0.
double fd_error(const Flow& f, const Vec& theta, const Vec& g,
                const std::function<double(const Vec&)>& loss) {
  const auto buf = f.buffer_mask();
  double err = 0;
  const double scale = std::max(1.0, g.cwiseAbs().maxCoeff());
  for (long i = 0; i < theta.size(); ++i) {
    if (i < f.n_params() && buf[static_cast<std::size_t>(i)]) {
      EXPECT_EQ(g(i), 0.0) << "buffer " << i;
      continue;
    }
    const double d = stencil([&](double h) {
      Vec t = theta;
      t(i) += h;
      return loss(t);
    });
    err = std::max(err, std::abs(d - g(i)) / scale);
  }
  return err;
}

const char* kStack =
    "layers = \"zero_center linear coupling_p exchange coupling_q\"\nrepeat = 2\nhidden = [8]\n"
    "shear = \"symmetric\"\nreflections = 3";

TEST(Density, LatentIsTheNormalisedOscillatorDensity) {
  Rng rng(11, 0);
  const double beta = 1.3;
  Vec s(2);
  s << std::log(0.7), std::log(1.9);
  const Mat z = normal_matrix(4, 5, rng);
  // Independent Gaussians of variance 1/(βω_k²) in Q_k and 1/β in P_k.
  double expect = 0;
  for (long j = 0; j < 5; ++j)
    for (long k = 0; k < 2; ++k) {
      const double w = std::exp(s(k));
      for (auto [r, v] : {std::pair{k, 1.0 / (beta * w * w)}, std::pair{2 + k, 1.0 / beta}})
        expect += -0.5 * std::log(2 * kPi * v) - z(r, j) * z(r, j) / (2 * v);
    }
  Mat gz;
  Vec gs = Vec::Zero(2);
  EXPECT_NEAR(harmonic_log_density(s, beta, z, &gz, &gs), expect, 1e-12 * std::abs(expect));
  for (long i = 0; i < z.size(); ++i) {
    const double d = stencil([&](double h) {
      Mat t = z;
      t.data()[i] += h;
      return harmonic_log_density(s, beta, t, nullptr, nullptr);
    });
    EXPECT_NEAR(gz.data()[i], d, 1e-9);
  }
  for (long k = 0; k < 2; ++k) {
    const double d = stencil([&](double h) {
      Vec t = s;
      t(k) += h;
      return harmonic_log_density(t, beta, z, nullptr, nullptr);
    });
    EXPECT_NEAR(gs(k), d, 1e-9);
  }
  // ∫∫ q dq̂ dp̂ = 1 for one oscillator: trapezoid rule on [−12σ, 12σ]² (spectrally accurate
  // for a Gaussian).
  Vec s1(1);
  s1 << std::log(0.7);
  const double sig = 1.0 / (std::sqrt(beta) * 0.7), a = 12 * sig;  // the larger std (Q)
  const int m = 401;
  const double dx = 2 * a / (m - 1);
  Mat pts(2, m * m);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < m; ++j) pts.col(i * m + j) << -a + i * dx, -a + j * dx;
  double integral = 0;
  for (long c = 0; c < pts.cols(); ++c)
    integral += std::exp(harmonic_log_density(s1, beta, pts.col(c), nullptr, nullptr));
  EXPECT_NEAR(integral * dx * dx, 1.0, 1e-12);
}

TEST(Density, LikelihoodGradientMatchesFiniteDifferences) {
  const int n = 3;
  auto f = flow_from(kStack, n);
  Rng rng(12, 0);
  const Vec th = random_theta(*f, rng);
  const Mat x = normal_matrix(2 * n, 7, rng);
  const double beta = 0.7;
  auto ws = make_density_workspace(*f);
  Vec g = Vec::Zero(th.size());
  const double l = density_nll(*f, th, beta, x, ws, &g);
  EXPECT_EQ(l, density_nll(*f, th, beta, x, ws, nullptr));
  // −ln p(x) = −ln q(T⁻¹x) computed directly.
  Mat z(2 * n, 7);
  auto c = f->make_cache();
  f->inverse(th.head(f->n_params()), x, z, c);
  EXPECT_NEAR(l, -harmonic_log_density(th.tail(n), beta, z, nullptr, nullptr), 1e-12);
  const double err =
      fd_error(*f, th, g, [&](const Vec& t) { return density_nll(*f, t, beta, x, ws, nullptr); });
  std::printf("[density] likelihood: max FD error %.2e\n", err);
  EXPECT_LT(err, 1e-8);
}

TEST(Density, FreeEnergyGradientMatchesFiniteDifferences) {
  const int n = 3;
  auto f = flow_from(kStack, n);
  FputParams fp;
  fp.n = n;
  fp.alpha = 0.3;
  fp.beta = 0.2;
  fp.periodic = false;
  const Fput sys(fp);
  Rng rng(13, 0);
  const Vec th = random_theta(*f, rng);
  const Mat eps = normal_matrix(2 * n, 7, rng);
  const double beta = 0.8;
  auto ws = make_density_workspace(*f);
  Vec g = Vec::Zero(th.size());
  const double l = density_free_energy(*f, th, beta, sys, eps, ws, &g);
  EXPECT_EQ(l, density_free_energy(*f, th, beta, sys, eps, ws, nullptr));
  // Σ ln q(z) + β H(T z) computed directly from Q = ε_Q/(ω√β), P = ε_P/√β.
  Mat z = eps / std::sqrt(beta), x(2 * n, 7);
  for (long k = 0; k < n; ++k) z.row(k) /= std::exp(th(f->n_params() + k));
  auto c = f->make_cache();
  f->forward(th.head(f->n_params()), z, x, c);
  double expect = harmonic_log_density(th.tail(n), beta, z, nullptr, nullptr);
  for (long j = 0; j < 7; ++j) expect += beta * sys.energy(x.col(j));
  EXPECT_NEAR(l, expect, 1e-12 * std::max(1.0, std::abs(expect)));
  const double err = fd_error(
      *f, th, g, [&](const Vec& t) { return density_free_energy(*f, t, beta, sys, eps, ws, nullptr); });
  std::printf("[density] free energy: max FD error %.2e\n", err);
  EXPECT_LT(err, 1e-8);
}

// −ln Z of the fixed-end chain of 32 masses: Σ_k ln(ω_k/2π) with ω_k = 2 sin(kπ/66); in closed
// form Π_{k=1}^{32} 2 sin(kπ/66) = √33, so −ln Z = ½ ln 33 − 32 ln 2π = −57.063812…
TEST(Density, HarmonicChainMinusLogZ) {
  FputParams fp;
  fp.n = 32;
  fp.periodic = false;
  const Fput sys(fp);
  const Vec& w = sys.frequencies();
  for (int k = 0; k < 32; ++k) EXPECT_NEAR(w(k), 2 * std::sin((k + 1) * kPi / 66), 1e-15);
  const double mlz = harmonic_minus_log_z(w, 1.0);
  EXPECT_NEAR(mlz, 0.5 * std::log(33.0) - 32 * std::log(2 * kPi), 1e-12);
  EXPECT_NEAR(mlz, -57.064, 5e-4);  // the spec's value
  std::printf("[density] chain of 32, fixed ends: -ln Z = %.6f\n", mlz);
}

// ---- training on a short harmonic chain ---------------------------------------------------
// The fixed-end chain of 8 masses (ω_k = 2 sin(kπ/18)), a shortened version of the 32-mass
// experiment of inputs/train_density_chain.toml (README, "Canonical flows"), small enough for a
// unit test (a few seconds each).

constexpr int kChainN = 8;

Fput chain(double temperature = 0.0) {
  FputParams fp;
  fp.n = kChainN;
  fp.periodic = false;
  fp.temperature = temperature;
  return Fput(fp);
}

// As in inputs/train_density_chain.toml: two linear symplectic layers with n Householder
// reflections each (one can hold the exact map, the orthogonal Uᵀ from normal modes to masses;
// the second helps the optimisation) and the harmonic latent.
const char* kChainModel =
    "[model]\nkind = \"flow\"\nlayers = \"linear\"\nrepeat = 2\nreflections = 8\n"
    "latent = \"harmonic\"\n";

std::unique_ptr<Model> chain_model() {
  const Config cfg = Config::from_string(kChainModel);
  return make_model(cfg.section("model"), 2 * kChainN);
}

// Adam on STEP(θ, step, grad) (a mean loss), lr LR0 then ×0.1 at 75% and ×0.01 at 90% of STEPS.
Vec adam_train(const Model& m, long steps, double lr0,
               const std::function<void(const Vec&, long, Vec*)>& step) {
  Rng rng(0, 0);
  Vec th(m.n_params());
  m.init_params(rng, th);
  Adam<double> opt(m.n_params());
  Vec g(m.n_params());
  for (long s = 0; s < steps; ++s) {
    const double lr = s < steps * 3 / 4 ? lr0 : s < steps * 9 / 10 ? 0.1 * lr0 : 0.01 * lr0;
    step(th, s, &g);
    opt.step(th, g, lr);
  }
  return th;
}

// Learned ω (sorted) against 2 sin(kπ/(2(n+1))): mean and max relative error.
std::pair<double, double> omega_errors(const Vec& th) {
  Vec w = th.tail(kChainN).array().exp();
  std::sort(w.data(), w.data() + w.size());
  const Vec exact = chain().frequencies();
  double mean = 0, mx = 0;
  for (int k = 0; k < kChainN; ++k) {
    const double e = std::abs(w(k) / exact(k) - 1);
    mean += e / kChainN;
    mx = std::max(mx, e);
  }
  return {mean, mx};
}

// The free_energy objective of H (batch 256, 8192 fixed test samples, seed 1) trained by Adam
// from the model's initial θ for STEPS steps: the trained θ and the test F_var before and after.
struct FreeEnergyRun {
  Vec theta;
  double f_untrained, f_trained;
};
FreeEnergyRun train_free_energy(const Model& m, const Hamiltonian& h, long steps, double lr) {
  ObjectiveOptions o;
  o.seed = 1;
  o.batch = 256;
  o.chunk = 256;
  o.kind = "free_energy";
  o.test_samples = 8192;
  auto obj = make_free_energy_objective(m, h, o, 0, 1);
  Rng rng(0, 0);
  Vec th0(m.n_params());
  m.init_params(rng, th0);
  const double f0 = obj->test_sum(th0) * obj->test_norm();
  Vec th = adam_train(m, steps, lr, [&](const Vec& t, long s, Vec* g) {
    obj->step_sum(t, s, g);
    *g *= obj->step_norm(s);
  });
  const double f = obj->test_sum(th) * obj->test_norm();
  return {th, f0, f};
}

// The variational free energy through the free_energy objective (as `hnn train` runs it): the
// bound must come within 0.05 nats of −ln Z and every learned frequency within 1% of its
// normal-mode frequency. An untrained flow is ~20 nats above.
TEST(DensityChain, FreeEnergyRecoversFrequenciesAndLogZ) {
  const Fput sys = chain();
  const auto m = chain_model();
  const double mlz = harmonic_minus_log_z(sys.frequencies(), 1.0);
  const auto [th, f0, f] = train_free_energy(*m, sys, 5000, 1e-2);
  const auto [mean, mx] = omega_errors(th);
  std::printf("[density] chain of 8, free energy: F_var = %.5f (untrained %.3f), -ln Z = %.5f, "
              "gap %.2e nats; omega error mean %.2e max %.2e\n",
              f, f0, mlz, f - mlz, mean, mx);
  EXPECT_GT(f0 - mlz, 1.0);
  EXPECT_LT(std::abs(f - mlz), 0.05);
  EXPECT_LT(mx, 0.01);
}

// Maximum likelihood on exact canonical samples of the chain (fresh draws every step): every
// learned frequency within 1%, and KL(p‖model) < 0.05 nats, estimated on 8192 test samples as
// the mean of −ln p_model(x) − (βH(x) + ln Z) (the same samples for both terms, so the estimate's
// noise vanishes as the model approaches p; the mean −ln p_model alone would carry the noise of
// the entropy estimate, std √(n/8192) with Var(βH) = n).
TEST(DensityChain, LikelihoodRecoversFrequencies) {
  const Fput sys = chain(1.0);
  const auto m = chain_model();
  const auto& fm = static_cast<const FlowModel&>(*m);
  auto ws = make_density_workspace(fm.flow());
  const long batch = 256;
  auto draw = [&](std::uint64_t stream, long count) {
    Mat x(2 * kChainN, count);
    for (long j = 0; j < count; ++j) {
      Rng rng(2, stream + static_cast<std::uint64_t>(j));
      x.col(j) = sys.sample(rng);
    }
    return x;
  };
  const Vec th = adam_train(*m, 2000, 1e-2, [&](const Vec& t, long s, Vec* g) {
    const Mat x = draw((static_cast<std::uint64_t>(s) + 1) << 32, batch);
    g->setZero();
    density_nll(fm.flow(), t, 1.0, x, ws, g);
    *g /= batch;
  });
  const Mat xt = draw(std::uint64_t{1} << 62, 8192);
  const double nll = density_nll(fm.flow(), th, 1.0, xt, ws, nullptr) / 8192;
  const double mlz = harmonic_minus_log_z(sys.frequencies(), 1.0);
  double exact = 0;
  for (long j = 0; j < xt.cols(); ++j) exact += (sys.energy(xt.col(j)) - mlz) / 8192;
  const auto [mean, mx] = omega_errors(th);
  std::printf("[density] chain of 8, likelihood: test -ln p_model = %.5f, -ln p_exact = %.5f "
              "(entropy %.5f), KL estimate %.2e; omega error mean %.2e max %.2e\n",
              nll, exact, kChainN - mlz, nll - exact, mean, mx);
  EXPECT_LT(nll - exact, 0.05);
  EXPECT_GT(nll - exact, -0.05);
  EXPECT_LT(mx, 0.01);
}

// ---- the 2-D ring (Li et al.'s Ring2D) ----------------------------------------------------
// A shortened inputs/train_density_ring.toml: the free_energy objective of the ring
// (systems/ring.hpp) through a flow of nonlinear couplings (the map from the oscillator latent to
// a ring is not linear). Bounds, with their reasons:
//   gap after training < 0.40 nats: below the published 0.48 with a margin for the platform
//     (measured 0.289 in 1500 steps, 3.5 s of CPU; the full input reaches 0.177);
//   gap > −0.03: no flow can go below scripts/ring_bound.py's 0.0160 nats (a volume-preserving
//     map keeps the distribution of density values), and the 8192-sample estimate has a standard
//     error of about 0.008 nats here, so a gap below −0.03 means a wrong H, −ln Z or estimator;
//   the untrained flow is > 1 nat above (so the first bound is the training's doing).
TEST(DensityRing, FreeEnergyBeatsThePublishedBound) {
  const Ring sys;
  const Config cfg = Config::from_string(
      "[model]\nkind = \"flow\"\nlayers = \"coupling_q coupling_p\"\nrepeat = 4\n"
      "hidden = [16, 16]\nlatent = \"harmonic\"\n");
  const auto m = make_model(cfg.section("model"), 4);
  const double mlz = sys.minus_log_z(1.0);
  const auto [th, f0, f] = train_free_energy(*m, sys, 1500, 3e-3);
  std::printf("[density] ring: F_var = %.5f (untrained %.3f), -ln Z = %.5f, gap %.4f nats "
              "(published 0.48, bound 0.016)\n",
              f, f0, mlz, f - mlz);
  EXPECT_GT(f0 - mlz, 1.0);
  EXPECT_LT(f - mlz, 0.40);
  EXPECT_GT(f - mlz, -0.03);
}

}  // namespace
}  // namespace hnn
