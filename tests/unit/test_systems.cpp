// Tests of the Hamiltonian systems in src/systems/: analytic gradients against finite
// differences, the separable split, the samplers' documented distributions and invariants,
// reference values (Kepler table, FPUT normal modes) and parameter validation.
// The registry (make_system) is not tested here.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <numeric>
#include <numbers>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "systems/fput.hpp"
#include "systems/henon_heiles.hpp"
#include "systems/kepler.hpp"
#include "systems/nbody.hpp"
#include "systems/pendulum.hpp"
#include "systems/ring.hpp"
#include "systems/spring.hpp"

namespace hnn {
namespace {

constexpr double kPi = std::numbers::pi;

// Central differences of H with step h_i = 1e-5 · max(1, |x_i|). For the states used here
// (|x| = O(1), no distance below 0.3) the truncation error h²/6 · |∂³H| and the rounding error
// ε|H|/h ≈ 1e-11 |H| are both below 1e-8 · (1 + ‖∇H‖∞); the bound 1e-7 leaves a factor 10.
void expect_gradient_matches_fd(const Hamiltonian& h, const Vec& x) {
  const int d = h.dim();
  Vec grad(d);
  h.gradient(x, grad);
  const double scale = 1.0 + grad.cwiseAbs().maxCoeff();
  Vec xp = x, xm = x;
  for (int i = 0; i < d; ++i) {
    const double step = 1e-5 * std::max(1.0, std::abs(x[i]));
    xp[i] = x[i] + step;
    xm[i] = x[i] - step;
    const double fd = (h.energy(xp) - h.energy(xm)) / (xp[i] - xm[i]);
    xp[i] = xm[i] = x[i];
    EXPECT_LE(std::abs(fd - grad[i]), 1e-7 * scale)  // see the comment above the function
        << "component " << i << ": analytic " << grad[i] << ", finite difference " << fd;
  }
}

// field() is the gradient permuted with one sign flip, and dT_dp / dV_dq are the same arithmetic
// as the two halves of gradient(): all three comparisons are exact up to 4 ulp
// (EXPECT_DOUBLE_EQ), no rounding is expected.
void expect_field_and_split_consistent(const Hamiltonian& h, const Vec& x) {
  const int n = h.dof();
  Vec grad(2 * n), f(2 * n), dt(n), dv(n);
  h.gradient(x, grad);
  h.field(x, f);
  ASSERT_TRUE(h.separable());
  h.dT_dp(x.tail(n), dt);
  h.dV_dq(x.head(n), dv);
  for (int i = 0; i < n; ++i) {
    EXPECT_DOUBLE_EQ(f[i], grad[n + i]);       // dq/dt = ∂H/∂p
    EXPECT_DOUBLE_EQ(f[n + i], -grad[i]);      // dp/dt = −∂H/∂q
    EXPECT_DOUBLE_EQ(dt[i], grad[n + i]);      // ∂T/∂p
    EXPECT_DOUBLE_EQ(dv[i], grad[i]);          // ∂V/∂q
  }
}

// Runs both checks on `count` states drawn by `draw`.
void check_derivatives(const Hamiltonian& h, const std::function<Vec(Rng&)>& draw,
                       int count = 8) {
  Rng rng(12345, 0);
  for (int k = 0; k < count; ++k) {
    const Vec x = draw(rng);
    ASSERT_EQ(x.size(), h.dim());
    SCOPED_TRACE("state " + std::to_string(k));
    expect_gradient_matches_fd(h, x);
    expect_field_and_split_consistent(h, x);
  }
}

Vec gaussian(Rng& rng, int d, double sigma) {
  Vec x(d);
  for (int i = 0; i < d; ++i) x[i] = sigma * rng.normal();
  return x;
}

// A random point at a distance in [r_lo, r_hi) from the origin in d dimensions.
Vec point_in_shell(Rng& rng, int d, double r_lo, double r_hi) {
  Vec v = gaussian(rng, d, 1.0);
  while (v.norm() < 1e-3) v = gaussian(rng, d, 1.0);
  return v.normalized() * rng.uniform(r_lo, r_hi);
}

// N-body states with every pair at least 0.3 apart.
Vec nbody_state(Rng& rng, const NBody& sys) {
  const int nb = sys.bodies(), d = sys.space_dim(), n = nb * d;
  for (;;) {
    Vec x(2 * n);
    x.head(n) = gaussian(rng, n, 1.0);
    x.tail(n) = gaussian(rng, n, 0.7);
    double closest = 1e300;
    for (int i = 0; i < nb; ++i)
      for (int j = i + 1; j < nb; ++j) {
        double r2 = 0.0;
        for (int c = 0; c < d; ++c) r2 += std::pow(x[c * nb + i] - x[c * nb + j], 2);
        closest = std::min(closest, std::sqrt(r2));
      }
    if (closest >= 0.3) return x;
  }
}

// Runs F and expects a ConfigError whose message contains KEY.
template <class F>
void expect_config_error(F&& f, const std::string& key) {
  try {
    f();
    ADD_FAILURE() << "no ConfigError; expected one naming '" << key << "'";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(key), std::string::npos)
        << "message '" << e.what() << "' does not name '" << key << "'";
  }
}

// Bitwise equality of two vectors.
bool same(const Vec& a, const Vec& b) {
  return a.size() == b.size() && (a.array() == b.array()).all();
}

// ---------------------------------------------------------------------------------------------
// Gradients, field, separable split

TEST(SystemsGradient, Spring) {
  check_derivatives(Spring(), [](Rng& r) { return gaussian(r, 2, 2.0); });
  check_derivatives(Spring({.k = 3.7, .m = 0.3}), [](Rng& r) { return gaussian(r, 2, 2.0); });
}

TEST(SystemsGradient, Pendulum) {
  check_derivatives(Pendulum(), [](Rng& r) { return gaussian(r, 2, 2.0); });
  check_derivatives(Pendulum({.m = 1.3, .l = 0.7, .g = 9.81}),
                    [](Rng& r) { return gaussian(r, 2, 2.0); });
}

TEST(SystemsGradient, Kepler) {
  for (int d : {2, 3}) {
    for (double k : {-1.0, -2.5, 0.7}) {  // k > 0 (repulsive) is a valid Hamiltonian too
      SCOPED_TRACE("dim " + std::to_string(d) + ", k " + std::to_string(k));
      const Kepler sys({.dim = d, .k = k});
      check_derivatives(sys, [d](Rng& r) {
        Vec x(2 * d);
        x.head(d) = point_in_shell(r, d, 0.3, 3.0);
        x.tail(d) = gaussian(r, d, 1.0);
        return x;
      });
    }
  }
}

TEST(SystemsGradient, NBody) {
  for (int bodies : {2, 3, 4}) {
    for (int d : {1, 2, 3}) {
      SCOPED_TRACE(std::to_string(bodies) + " bodies, dim " + std::to_string(d));
      const NBody equal({.bodies = bodies, .dim = d});
      check_derivatives(equal, [&](Rng& r) { return nbody_state(r, equal); }, 4);
      std::vector<double> masses;
      for (int i = 0; i < bodies; ++i) masses.push_back(0.5 + 0.4 * i);
      const NBody unequal({.bodies = bodies, .dim = d, .G = 1.7, .masses = masses});
      check_derivatives(unequal, [&](Rng& r) { return nbody_state(r, unequal); }, 4);
    }
  }
}

TEST(SystemsGradient, NBodySampledStates) {
  for (int bodies : {2, 3}) {
    const NBody sys(NBodyParams::reference(bodies));
    check_derivatives(sys, [&](Rng& r) { return sys.sample(r); });
  }
}

TEST(SystemsGradient, Fput) {
  for (bool periodic : {true, false}) {
    for (int n : {2, 5, 8}) {
      for (auto [alpha, beta] : {std::pair{0.0, 0.0}, std::pair{0.25, 0.0},
                                 std::pair{0.0, 0.7}, std::pair{-0.4, 1.3}}) {
        SCOPED_TRACE("n " + std::to_string(n) + (periodic ? " periodic" : " fixed") +
                     ", alpha " + std::to_string(alpha) + ", beta " + std::to_string(beta));
        const Fput sys({.n = n, .alpha = alpha, .beta = beta, .periodic = periodic});
        check_derivatives(sys, [n](Rng& r) {
          Vec x(2 * n);
          x.head(n) = gaussian(r, n, 0.6);
          x.tail(n) = gaussian(r, n, 1.0);
          return x;
        }, 4);
      }
    }
  }
}

TEST(SystemsGradient, HenonHeiles) {
  const HenonHeiles sys;
  check_derivatives(sys, [](Rng& r) {
    Vec x(4);
    x << r.uniform(-1, 1), r.uniform(-1, 1), r.normal(), r.normal();
    return x;
  });
  check_derivatives(sys, [&](Rng& r) { return sys.sample(r); });
}

TEST(SystemsGradient, Ring) {
  for (const RingParams& p : {RingParams{}, RingParams{.radius = 1.3, .width = 0.07}}) {
    const Ring sys(p);
    SCOPED_TRACE("radius " + std::to_string(p.radius) + ", width " + std::to_string(p.width));
    // |q| in [0.3, 3]: away from the cone's tip at q = 0, where H is not differentiable.
    check_derivatives(sys, [](Rng& r) {
      Vec x(4);
      x << point_in_shell(r, 2, 0.3, 3.0), gaussian(r, 2, 1.0);
      return x;
    });
    check_derivatives(sys, [&](Rng& r) { return sys.sample(r); });
  }
}

// At q = 0 the gradient of |q| is undefined; the documented choice is ∂H/∂q = 0 there (no NaN),
// with ∂H/∂p = p as everywhere. Next to 0 the gradient has the limit magnitude 2R/w along q/|q|
// (also for |q| = 1e-200, where |q|² underflows: hypot keeps |q| exact).
TEST(SystemsGradient, RingAtTheOrigin) {
  const Ring sys;
  Vec x(4), g(4), f(4);
  x << 0.0, 0.0, 0.3, -0.7;
  sys.gradient(x, g);
  EXPECT_EQ(g[0], 0.0);
  EXPECT_EQ(g[1], 0.0);
  EXPECT_EQ(g[2], 0.3);
  EXPECT_EQ(g[3], -0.7);
  sys.field(x, f);
  EXPECT_TRUE(f.allFinite());
  EXPECT_DOUBLE_EQ(sys.energy(x), 4.0 / 0.32 + 0.5 * (0.09 + 0.49));  // R²/w + ½|p|²
  x << 1e-200, 0.0, 0.0, 0.0;
  sys.gradient(x, g);
  EXPECT_DOUBLE_EQ(g[0], -2.0 * 2.0 / 0.32);  // 2(|q| − R)/w · q/|q| with |q| → 0
  EXPECT_EQ(g[1], 0.0);
  x << -3e-170, 4e-170, 0.0, 0.0;
  sys.gradient(x, g);
  EXPECT_TRUE(g.allFinite());
  EXPECT_NEAR(g.head(2).norm(), 2.0 * 2.0 / 0.32, 1e-12);
}

// ---------------------------------------------------------------------------------------------
// Reference Hamiltonians with default parameters

TEST(SystemsDefaults, ReferenceHamiltonians) {
  const Spring spring;
  const Pendulum pendulum;
  Rng rng(1, 0);
  for (int k = 0; k < 10; ++k) {
    const Vec x = gaussian(rng, 2, 1.5);
    const double q = x[0], p = x[1];
    // Defaults give the HNN reference H; the same expression up to rounding (|H| < 50).
    EXPECT_NEAR(spring.energy(x), q * q + p * p, 1e-13);
    EXPECT_NEAR(pendulum.energy(x), 3.0 * (1.0 - std::cos(q)) + p * p, 1e-13);
  }
  EXPECT_EQ(spring.name(), "spring");
  EXPECT_EQ(pendulum.parameters().at("g"), 6.0);
}

// ---------------------------------------------------------------------------------------------
// Samplers

void expect_radius_in_range(const System& sys, double r_min, double r_max) {
  Rng rng(99, 1);
  double lo = 1e300, hi = -1e300;
  for (int k = 0; k < 2000; ++k) {
    const Vec x = sys.sample(rng);
    const double r = std::hypot(x[0], x[1]);
    lo = std::min(lo, r);
    hi = std::max(hi, r);
  }
  // r (cos φ, sin φ) has radius r up to ~2 ulp of rounding in cos, sin and hypot, so the bounds
  // carry a relative slack of 1e-15.
  EXPECT_GE(lo, r_min * (1 - 1e-15));
  EXPECT_LT(hi, r_max * (1 + 1e-15));
  // 2000 uniform draws cover the range to within ~0.5% of its width (1e-2 is generous).
  EXPECT_LT(lo - r_min, 1e-2 * (r_max - r_min));
  EXPECT_LT(r_max - hi, 1e-2 * (r_max - r_min));
}

TEST(SystemsSampler, SpringAndPendulumRadius) {
  expect_radius_in_range(Spring(), 0.1, 1.0);
  expect_radius_in_range(Pendulum(), 1.3, 2.3);
  expect_radius_in_range(Spring({.r_min = 0.4, .r_max = 0.6}), 0.4, 0.6);
}

TEST(SystemsSampler, KeplerEnergyAndEccentricity) {
  for (int d : {2, 3}) {
    const Kepler sys({.dim = d});
    Rng rng(5, 2);
    for (int k = 0; k < 200; ++k) {
      const Vec x = sys.sample(rng);
      const double e = 1.0 - x[0];  // periapsis at q = (1 − e, 0[, 0]) for a = 1
      EXPECT_GE(e, 0.1 - 1e-15);   // 1 − (1 − e) recovers e to 1 ulp of 1
      EXPECT_LT(e, 0.9 + 1e-15);
      // E = ½ v² − 1/r with terms up to ~10: rounding ~ 1e-15, bound 1e-14.
      EXPECT_NEAR(sys.energy(x), -0.5, 1e-14);
      // |A| = e: terms of size ≤ 1 + e, rounding ~ 1e-15; bound 1e-14.
      EXPECT_NEAR(sys.runge_lenz(x).norm(), e, 1e-14);
    }
  }
}

TEST(SystemsSampler, KeplerGeneralKAndA) {
  // E = k/(2a) = −|k|/(2a) and |A| = |k| e for any k < 0, a > 0.
  const double k = -2.5;
  const Kepler sys({.dim = 3, .k = k, .e_min = 0.0, .e_max = 0.8, .a_min = 0.5, .a_max = 2.0});
  Rng rng(8, 0);
  for (int i = 0; i < 100; ++i) {
    const Vec x = sys.sample(rng);
    const double e = sys.runge_lenz(x).norm() / std::abs(k);
    const double a = x[0] / (1.0 - e);  // periapsis distance a(1 − e)
    EXPECT_GE(a, 0.5 * (1 - 1e-13));    // e is recovered to ~1e-15, a to ~1e-14 relative
    EXPECT_LT(a, 2.0 * (1 + 1e-13));
    // Relative 1e-13: E is a difference of terms ≤ 12|E| computed to 1 ulp each.
    EXPECT_NEAR(sys.energy(x), k / (2.0 * a), 1e-13 * std::abs(k / (2.0 * a)));
  }
}

TEST(SystemsSampler, KeplerEccentricityList) {
  const std::vector<double> list{0.2, 0.45, 0.7};
  const Kepler sys({.dim = 2, .eccentricities = list});
  Rng rng(3, 3);
  std::vector<int> hits(list.size(), 0);
  for (int k = 0; k < 300; ++k) {
    const Vec x = sys.sample(rng);
    const double e = 1.0 - x[0];
    bool found = false;
    for (std::size_t i = 0; i < list.size(); ++i)
      if (std::abs(e - list[i]) < 1e-15) {  // 1 − (1 − e) is e to 1 ulp of 1
        ++hits[i];
        found = true;
      }
    EXPECT_TRUE(found) << "e = " << e << " is not in the list";
  }
  // Each entry has probability 1/3 per draw; 60 of an expected 100 is > 5 standard deviations.
  for (int h : hits) EXPECT_GT(h, 60);
}

TEST(SystemsSampler, TwoBodyZeroMomentumAndCentreOfMass) {
  const NBody sys;  // 2 bodies, 2D, reference defaults
  EXPECT_EQ(*sys.params().r_min, 0.5);
  EXPECT_EQ(*sys.params().velocity_noise, 0.05);
  Rng rng(11, 0);
  for (int k = 0; k < 100; ++k) {
    const Vec x = sys.sample(rng);
    // Body 2 is the exact negative of body 1: the sums are exactly 0; 1e-14 as asked.
    EXPECT_LT(sys.total_momentum(x).norm(), 1e-14);
    EXPECT_LT(sys.centre_of_mass(x).norm(), 1e-14);
    for (int c = 0; c < 2; ++c) {  // each position component of body 1 in [0.5, 1.5)
      EXPECT_GE(x[2 * c], 0.5);
      EXPECT_LT(x[2 * c], 1.5);
    }
  }
}

// Relative equilibrium: with no noise every body moves on a circle about the origin, so its
// acceleration is −(|v|²/|q|²) q (centripetal). Checked through field().
void expect_circular(const NBody& sys, const Vec& x) {
  const int nb = sys.bodies();
  Vec f(sys.dim());
  sys.field(x, f);
  for (int i = 0; i < nb; ++i) {
    const Eigen::Vector2d q(x[i], x[nb + i]);
    const Eigen::Vector2d v(x[2 * nb + i], x[3 * nb + i]);  // unit masses: v = p
    const Eigen::Vector2d a(f[2 * nb + i], f[3 * nb + i]);
    const Eigen::Vector2d centripetal = -(v.squaredNorm() / q.squaredNorm()) * q;
    // Both sides are O(1) sums of a few terms: 1e-13 relative covers the rounding.
    EXPECT_LT((a - centripetal).norm(), 1e-13 * centripetal.norm());
    EXPECT_LT(std::abs(q.dot(v)), 1e-13 * q.norm() * v.norm());  // velocity ⟂ radius
  }
}

TEST(SystemsSampler, TwoBodyCircularWithoutNoise) {
  NBodyParams p = NBodyParams::reference(2);
  p.velocity_noise = 0.0;
  const NBody sys(p);
  Rng rng(2, 2);
  for (int k = 0; k < 20; ++k) expect_circular(sys, sys.sample(rng));
}

TEST(SystemsSampler, ThreeBodyEquilateralAndCentred) {
  const NBody sys(NBodyParams::reference(3));
  EXPECT_EQ(*sys.params().r_max, 1.2);
  EXPECT_EQ(*sys.params().velocity_noise, 0.2);
  Rng rng(4, 4);
  for (int k = 0; k < 100; ++k) {
    const Vec x = sys.sample(rng);
    // Three rotations of one vector sum to 0 up to rounding of O(1) terms: 1e-14 as asked.
    EXPECT_LT(sys.centre_of_mass(x).norm(), 1e-14);
    const double r = std::hypot(x[0], x[3]);
    EXPECT_GE(r, 0.9 * (1 - 1e-15));  // rounding slack as for the spring radius
    EXPECT_LT(r, 1.2 * (1 + 1e-15));
    for (int i = 0; i < 3; ++i) {
      const int j = (i + 1) % 3;
      // Side r√3 and radius r, rotations rounded to ~1 ulp: 1e-14 relative.
      EXPECT_NEAR(std::hypot(x[i], x[3 + i]), r, 1e-14 * r);
      EXPECT_NEAR(std::hypot(x[i] - x[j], x[3 + i] - x[3 + j]), std::sqrt(3.0) * r, 1e-14 * r);
    }
  }
}

TEST(SystemsSampler, ThreeBodyMomentum) {
  NBodyParams quiet = NBodyParams::reference(3);
  quiet.velocity_noise = 0.0;
  const NBody circular(quiet);
  NBodyParams noisy = NBodyParams::reference(3);
  noisy.zero_momentum = true;
  const NBody zeroed(noisy);
  const NBody reference(NBodyParams::reference(3));
  Rng rng(6, 1);
  double max_reference_momentum = 0.0;
  for (int k = 0; k < 50; ++k) {
    const Vec xc = circular.sample(rng);
    // Without noise the velocities are three rotations of one vector: sum 0 to rounding.
    EXPECT_LT(circular.total_momentum(xc).norm(), 1e-14);
    expect_circular(circular, xc);
    const Vec xz = zeroed.sample(rng);
    EXPECT_LT(zeroed.total_momentum(xz).norm(), 1e-14);  // mean velocity subtracted
    EXPECT_LT(zeroed.centre_of_mass(xz).norm(), 1e-14);
    max_reference_momentum =
        std::max(max_reference_momentum, reference.total_momentum(reference.sample(rng)).norm());
  }
  // The reference's per-component noise leaves a net momentum (documented, not a bug here).
  EXPECT_GT(max_reference_momentum, 1e-3);
}

TEST(SystemsSampler, NBodySamplerUnavailable) {
  expect_config_error([] { Rng r(0, 0); NBody({.bodies = 2, .dim = 3}).sample(r); }, "dim");
  expect_config_error([] { Rng r(0, 0); NBody({.bodies = 4, .dim = 2}).sample(r); }, "bodies");
}

TEST(SystemsSampler, HenonHeilesOnSectionAtEnergy) {
  for (double e : {1.0 / 8.0, 1.0 / 12.0, 0.16}) {
    const HenonHeiles sys({.energy = e});
    EXPECT_LT(sys.y_min(), 0.0);
    EXPECT_GT(sys.y_max(), 0.0);
    Rng rng(21, 0);
    for (int k = 0; k < 200; ++k) {
      const Vec x = sys.sample(rng);
      EXPECT_EQ(x[0], 0.0);
      EXPECT_GT(x[2], 0.0);
      // px = √(2E − py² − 2V) makes H = E up to rounding of O(E) terms: 1e-13.
      EXPECT_NEAR(sys.energy(x), e, 1e-13);
      EXPECT_GE(x[1], sys.y_min());
      EXPECT_LE(x[1], sys.y_max());
    }
  }
}

TEST(SystemsSampler, SameStreamSameSampleOtherStreamDifferent) {
  std::vector<std::unique_ptr<System>> systems;
  systems.push_back(std::make_unique<Spring>());
  systems.push_back(std::make_unique<Pendulum>());
  systems.push_back(std::make_unique<Kepler>());
  systems.push_back(std::make_unique<NBody>(NBodyParams::reference(2)));
  systems.push_back(std::make_unique<NBody>(NBodyParams::reference(3)));
  systems.push_back(std::make_unique<Fput>());
  systems.push_back(std::make_unique<HenonHeiles>());
  systems.push_back(std::make_unique<Ring>());
  for (const auto& sys : systems) {
    SCOPED_TRACE(sys->name());
    Rng a(2024, 17), b(2024, 17), c(2024, 18);
    const Vec xa = sys->sample(a), xb = sys->sample(b), xc = sys->sample(c);
    EXPECT_TRUE(same(xa, xb));   // bitwise
    EXPECT_FALSE(same(xa, xc));  // another stream
  }
}

// The ring's sampler draws the canonical ensemble e^{−H/T} exactly. 40000 draws at T = 1 and
// T = 0.5: the fraction with |q| < R against its closed form (binomial std ≤ 0.0025; bound 0.015,
// 6 std), ⟨p_i²⟩ = T (std √2·T/√40000 ≈ 0.007 T; bound 0.05 T, 7 std), and the mean angle's
// resultant |⟨e^{iφ}⟩| (std 1/√40000 = 0.005; bound 0.03) for a uniform angle.
TEST(SystemsSampler, RingDrawsTheCanonicalEnsemble) {
  for (double t : {1.0, 0.5}) {
    const Ring sys({.temperature = t});
    const double R = 2.0, sigma = 0.32 * t;
    // ∫₀^R r e^{−(r−R)²/σ} dr / ∫₀^∞ (the header's closed form)
    const double below = 0.5 * sigma * (std::exp(-R * R / sigma) - 1.0) +
                         0.5 * R * std::sqrt(kPi * sigma) * std::erf(R / std::sqrt(sigma));
    const double total = 0.5 * sigma * std::exp(-R * R / sigma) +
                         0.5 * R * std::sqrt(kPi * sigma) * std::erfc(-R / std::sqrt(sigma));
    const int n = 40000;
    double frac = 0, p2 = 0, c = 0, s = 0;
    for (int j = 0; j < n; ++j) {
      Rng rng(7, static_cast<std::uint64_t>(j));
      const Vec x = sys.sample(rng);
      const double r = std::hypot(x[0], x[1]);
      frac += (r < R) / static_cast<double>(n);
      p2 += 0.5 * (x[2] * x[2] + x[3] * x[3]) / n;
      c += x[0] / r / n;
      s += x[1] / r / n;
    }
    SCOPED_TRACE("T = " + std::to_string(t));
    EXPECT_NEAR(frac, below / total, 0.015);
    EXPECT_NEAR(p2, t, 0.05 * t);
    EXPECT_LT(std::hypot(c, s), 0.03);
  }
}

// −ln Z of the ring against a direct quadrature of the radial integral (composite Simpson on
// [0, 8] with 20000 intervals: error ~h⁴ |f⁗| ≈ 1e-13 here; bound 1e-10) and the spec's value.
TEST(RingReference, MinusLogZ) {
  for (double beta : {1.0, 0.5, 3.0}) {
    const Ring sys;
    const int m = 20000;
    const double h = 8.0 / m;
    double radial = 0;
    for (int i = 0; i <= m; ++i) {
      const double r = i * h, w = (i == 0 || i == m) ? 1 : (i % 2 ? 4 : 2);
      radial += w * r * std::exp(-beta * (r - 2.0) * (r - 2.0) / 0.32) * h / 3;
    }
    const double expect = -std::log(2 * kPi / beta * 2 * kPi * radial);
    EXPECT_NEAR(sys.minus_log_z(beta), expect, 1e-10) << "beta " << beta;
  }
  EXPECT_NEAR(Ring().minus_log_z(1.0), -4.3715, 5e-5);  // the spec's 5 digits
  EXPECT_NEAR(Ring().minus_log_z(1.0), -4.371549125401485, 1e-12);  // mpmath, 30 digits
}

// ---------------------------------------------------------------------------------------------
// Kepler reference values (canonical-flows.md, k = −1, a = 1)

TEST(KeplerReference, ValidationTable) {
  const double e_values[] = {0.1, 0.5, 0.9};
  const double L_values[] = {0.994987, 0.866025, 0.435890};
  for (int d : {2, 3}) {
    const Kepler sys({.dim = d});
    for (int i = 0; i < 3; ++i) {
      const double e = e_values[i];
      SCOPED_TRACE("dim " + std::to_string(d) + ", e " + std::to_string(e));
      const Vec x = sys.initial_state(e, 1.0);
      const double H = sys.energy(x);
      const Eigen::Vector3d L = sys.angular_momentum(x), A = sys.runge_lenz(x);
      EXPECT_NEAR(H, -0.5, 1e-14);                 // terms ≤ 10, rounding ~1e-15
      EXPECT_NEAR(L.norm(), L_values[i], 1e-6);    // table has 6 decimals
      EXPECT_NEAR(L.norm(), std::sqrt(1 - e * e), 1e-15);  // |L| = √(|k| a (1 − e²))
      EXPECT_NEAR(A[0], e, 1e-13);                 // terms ≤ 1 + e: 1e-13 is loose
      EXPECT_NEAR(A[1], 0.0, 1e-13);
      EXPECT_NEAR(A[2], 0.0, 1e-13);
      EXPECT_NEAR(A.dot(L), 0.0, 1e-13);
      EXPECT_NEAR(A.squaredNorm(), 1.0 + 2.0 * H * L.squaredNorm(), 1e-13);  // k² + 2HL²
    }
  }
}

TEST(KeplerReference, InvariantsAtGenericStates) {
  // A·L = 0 and A² = k² + 2HL² hold at every state, not only at periapsis.
  for (int d : {2, 3}) {
    const double k = -1.7;
    const Kepler sys({.dim = d, .k = k});
    Rng rng(31, d);
    for (int i = 0; i < 20; ++i) {
      Vec x(2 * d);
      x.head(d) = point_in_shell(rng, d, 0.5, 2.0);
      x.tail(d) = gaussian(rng, d, 0.8);
      const Eigen::Vector3d L = sys.angular_momentum(x), A = sys.runge_lenz(x);
      const double H = sys.energy(x);
      // Products of O(1)–O(10) terms: 1e-12 covers the rounding.
      EXPECT_NEAR(A.dot(L), 0.0, 1e-12);
      EXPECT_NEAR(A.squaredNorm(), k * k + 2.0 * H * L.squaredNorm(), 1e-12);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// FPUT normal modes

// Stiffness matrix of the linear chain: V is quadratic, so dV_dq(e_j) is column j exactly.
Mat stiffness(const Fput& sys) {
  const int n = sys.params().n;
  Mat K(n, n);
  Vec out(n);
  for (int j = 0; j < n; ++j) {
    sys.dV_dq(Vec::Unit(n, j), out);
    K.col(j) = out;
  }
  return K;
}

TEST(FputModes, FrequenciesFromStiffnessMatrix) {
  for (bool periodic : {true, false}) {
    for (int n : {5, 8, 32}) {
      SCOPED_TRACE("n " + std::to_string(n) + (periodic ? " periodic" : " fixed"));
      const Fput sys({.n = n, .periodic = periodic});
      const Vec& w = sys.frequencies();
      for (int k = 0; k < n; ++k) {
        const double expected = periodic ? 2.0 * std::abs(std::sin(kPi * k / n))
                                         : 2.0 * std::sin(kPi * (k + 1) / (2.0 * (n + 1)));
        EXPECT_NEAR(w[k], expected, 1e-15);  // the same formula
      }
      const Mat K = stiffness(sys);
      Eigen::SelfAdjointEigenSolver<Mat> eig(K);  // eigenvalues ascending
      Vec sorted = w;
      std::sort(sorted.data(), sorted.data() + n);
      for (int k = 0; k < n; ++k) {
        // Eigenvalues of a matrix with entries ≤ 2 are accurate to ~n ε ≈ 1e-14: ω² to 1e-12.
        EXPECT_NEAR(eig.eigenvalues()[k], sorted[k] * sorted[k], 1e-12);
        // ω = √λ to 1e-10 where ω > 0 (δω = δλ/(2ω) ≲ 1e-13 for ω ≥ 0.03; at λ ≈ 0 the square
        // root would amplify rounding to ~1e-8, so the zero mode is checked through λ only).
        if (sorted[k] > 0) {
          EXPECT_NEAR(std::sqrt(eig.eigenvalues()[k]), sorted[k], 1e-10);
        }
      }
    }
  }
}

TEST(FputModes, OrthogonalAndDiagonalising) {
  for (bool periodic : {true, false}) {
    for (int n : {2, 3, 5, 8, 32}) {
      SCOPED_TRACE("n " + std::to_string(n) + (periodic ? " periodic" : " fixed"));
      const Fput sys({.n = n, .periodic = periodic});
      const Mat& U = sys.normal_modes();
      const Vec& w = sys.frequencies();
      // Sums of n products of O(1/√n) entries: rounding ~ n ε ≈ 1e-14.
      EXPECT_LT((U * U.transpose() - Mat::Identity(n, n)).cwiseAbs().maxCoeff(), 1e-13);
      const Mat D = U * stiffness(sys) * U.transpose();
      const Mat expected = w.array().square().matrix().asDiagonal();
      EXPECT_LT((D - expected).cwiseAbs().maxCoeff(), 1e-12);  // two products, entries ≤ 4
    }
  }
}

TEST(FputModes, LinearActionsConstantOnExactSolution) {
  for (bool periodic : {true, false}) {
    const int n = 8;
    const Fput sys({.n = n, .periodic = periodic});
    const Mat& U = sys.normal_modes();
    const Vec& w = sys.frequencies();
    Rng rng(77, periodic);
    Vec amp(n), phase(n);
    for (int k = 0; k < n; ++k) {
      amp[k] = w[k] > 0 ? rng.uniform(0.1, 1.0) : 0.0;
      phase[k] = rng.uniform(0.0, 2 * kPi);
    }
    // Q_k(t) = A_k cos(ω_k t + φ_k), P_k = dQ_k/dt: the exact solution of the linear chain.
    auto state = [&](double t, Vec& Qdot, Vec& Pdot) {
      Vec Q(n), P(n);
      for (int k = 0; k < n; ++k) {
        Q[k] = amp[k] * std::cos(w[k] * t + phase[k]);
        P[k] = -amp[k] * w[k] * std::sin(w[k] * t + phase[k]);
      }
      Qdot = P;
      Pdot = -(w.array().square() * Q.array()).matrix();
      Vec x(2 * n);
      x.head(n) = U.transpose() * Q;
      x.tail(n) = U.transpose() * P;
      return x;
    };
    Vec Qdot, Pdot;
    const Vec I0 = sys.linear_actions(state(0.0, Qdot, Pdot));
    for (int k = 0; k < n; ++k) {
      if (w[k] > 0) {
        EXPECT_NEAR(I0[k], amp[k] * amp[k] * w[k] / 2.0, 1e-13);  // I = ω A²/2, O(1) values
      } else {
        EXPECT_EQ(I0[k], 0.0);  // zero-frequency modes have no action by definition
      }
    }
    for (double t : {0.3, 1.7, 12.5, 100.0}) {
      const Vec x = state(t, Qdot, Pdot);
      // O(1) quantities through two orthogonal transforms: 1e-13.
      EXPECT_LT((sys.linear_actions(x) - I0).cwiseAbs().maxCoeff(), 1e-13);
      // The curve solves Hamilton's equations: field(x) = (Uᵀ Q̇, Uᵀ Ṗ), same rounding.
      Vec f(2 * n);
      sys.field(x, f);
      EXPECT_LT((f.head(n) - U.transpose() * Qdot).cwiseAbs().maxCoeff(), 1e-13);
      EXPECT_LT((f.tail(n) - U.transpose() * Pdot).cwiseAbs().maxCoeff(), 1e-13);
    }
  }
}

TEST(FputSampler, LinearEnergyEqualsModeEnergies) {
  for (bool periodic : {true, false}) {
    for (int n : {5, 8, 32}) {
      SCOPED_TRACE("n " + std::to_string(n) + (periodic ? " periodic" : " fixed"));
      std::vector<double> energies(n, 0.0);
      for (int k = 0; k < n; ++k)
        if (!periodic || k > 0) energies[k] = 0.05 * (k % 3 + 1);
      const Fput sys({.n = n, .periodic = periodic, .mode_energies = energies,
                      .energy_scale_min = 0.5, .energy_scale_max = 2.0});
      const double total = std::accumulate(energies.begin(), energies.end(), 0.0);
      Rng rng(13, n);
      for (int i = 0; i < 10; ++i) {
        const Vec x = sys.sample(rng);
        const double H = sys.energy(x);
        EXPECT_GE(H, 0.5 * total * (1 - 1e-12));  // H = s Σ E_k with s in [0.5, 2)
        EXPECT_LT(H, 2.0 * total * (1 + 1e-12));
        // Per mode, E_k = (P² + ω²Q²)/2 = ω I_k equals s E_k: relative 1e-12 (sums of n terms).
        const Vec I = sys.linear_actions(x);
        const double s = H / total;
        for (int k = 0; k < n; ++k)
          EXPECT_NEAR(sys.frequencies()[k] * I[k], s * energies[k], 1e-12 * total * s);
        // Zero modes are not excited: no net momentum or displacement (periodic).
        if (periodic) {
          EXPECT_NEAR(x.head(n).sum(), 0.0, 1e-12);
          EXPECT_NEAR(x.tail(n).sum(), 0.0, 1e-12);
        }
      }
    }
  }
}

TEST(FputSampler, DefaultExcitesLowestMode) {
  for (bool periodic : {true, false}) {
    const Fput sys({.n = 8, .periodic = periodic});
    const int lowest = periodic ? 1 : 0;
    EXPECT_EQ(sys.params().mode_energies[lowest], 1.0);
    Rng rng(1, 1);
    const Vec x = sys.sample(rng);
    EXPECT_NEAR(sys.energy(x), 1.0, 1e-12);  // s = 1, linear chain: H = Σ E_k (rounding ~1e-15)
    const Vec I = sys.linear_actions(x);
    for (int k = 0; k < 8; ++k) {
      if (k != lowest) {
        EXPECT_NEAR(I[k], 0.0, 1e-13);  // other modes are empty (rounding of O(1) values only)
      }
    }
  }
}

TEST(FputReference, ClassicModeOneEnergy) {
  // Classic FPUT (canonical-flows.md): 32 springs with fixed ends (n = 31 masses),
  // q_j = sin(π j / 32): linear energy 32 sin²(π/64) = 0.077044 (table: 6 digits).
  const Fput sys({.n = 31, .periodic = false});
  Vec x = Vec::Zero(62);
  for (int j = 1; j <= 31; ++j) x[j - 1] = std::sin(kPi * j / 32.0);
  EXPECT_NEAR(sys.energy(x), 0.077044, 1e-6);
  EXPECT_NEAR(sys.energy(x), 32.0 * std::pow(std::sin(kPi / 64.0), 2), 1e-15);
}

// ---------------------------------------------------------------------------------------------
// Parameter validation

TEST(SystemsValidation, Spring) {
  expect_config_error([] { Spring({.k = 0.0}); }, "k =");
  expect_config_error([] { Spring({.m = -1.0}); }, "m =");
  expect_config_error([] { Spring({.r_min = 0.5, .r_max = 0.2}); }, "r_max");
  expect_config_error([] { Spring({.r_min = -0.1}); }, "r_min");
}

TEST(SystemsValidation, Pendulum) {
  expect_config_error([] { Pendulum({.m = -0.5}); }, "m =");
  expect_config_error([] { Pendulum({.l = 0.0}); }, "l =");
  expect_config_error([] { Pendulum({.g = std::nan("")}); }, "g =");
  expect_config_error([] { Pendulum({.r_min = 2.0, .r_max = 1.0}); }, "r_max");
}

TEST(SystemsValidation, Kepler) {
  expect_config_error([] { Kepler({.dim = 4}); }, "dim");
  expect_config_error([] { Kepler({.k = 0.0}); }, "k =");
  expect_config_error([] { Kepler({.e_max = 1.0}); }, "e_max");
  expect_config_error([] { Kepler({.e_min = -0.1}); }, "e_min");
  expect_config_error([] { Kepler({.e_min = 0.5, .e_max = 0.3}); }, "e_max");
  expect_config_error([] { Kepler({.a_min = 0.0}); }, "a_min");
  expect_config_error([] { Kepler({.a_min = 2.0, .a_max = 1.0}); }, "a_max");
  expect_config_error([] { Kepler({.eccentricities = {0.3, 1.2}}); }, "eccentricities[1]");
  // Repulsive k is a valid Hamiltonian, but has no bound orbits to sample.
  const Kepler repulsive({.k = 1.0});
  expect_config_error([&] { Rng r(0, 0); repulsive.sample(r); }, "k =");
  const Kepler attractive;
  expect_config_error([&] { attractive.initial_state(1.0, 1.0); }, "e =");
  expect_config_error([&] { attractive.initial_state(0.5, -1.0); }, "a =");
}

TEST(SystemsValidation, NBody) {
  expect_config_error([] { NBody({.bodies = 1}); }, "bodies");
  expect_config_error([] { NBody({.dim = 4}); }, "dim");
  expect_config_error([] { NBody({.G = 0.0}); }, "G =");
  expect_config_error([] { NBody({.bodies = 2, .masses = {1.0, -1.0}}); }, "masses[1]");
  expect_config_error([] { NBody({.bodies = 3, .masses = {1.0, 1.0}}); }, "masses");
  expect_config_error([] { NBody({.r_min = 1.0, .r_max = 0.5}); }, "r_max");
  expect_config_error([] { NBody({.velocity_noise = -0.1}); }, "velocity_noise");
}

TEST(SystemsValidation, Fput) {
  expect_config_error([] { Fput({.n = 1}); }, "n =");
  expect_config_error([] { Fput({.beta = -1.0}); }, "beta");
  expect_config_error([] { Fput({.n = 3, .mode_energies = {0.0, 1.0}}); }, "mode_energies");
  expect_config_error([] { Fput({.n = 3, .mode_energies = {0.0, -1.0, 0.0}}); },
                      "mode_energies[1]");
  // Row 0 of the periodic chain is the zero-frequency (translation) mode.
  expect_config_error([] { Fput({.n = 3, .mode_energies = {1.0, 0.0, 0.0}}); },
                      "mode_energies[0]");
  expect_config_error([] { Fput({.energy_scale_min = 2.0, .energy_scale_max = 1.0}); },
                      "energy_scale_max");
  EXPECT_NO_THROW(Fput({.n = 3, .periodic = false, .mode_energies = {1.0, 0.0, 0.0}}));
}

TEST(SystemsValidation, HenonHeiles) {
  expect_config_error([] { HenonHeiles({.energy = 1.0 / 6.0}); }, "energy");
  expect_config_error([] { HenonHeiles({.energy = 0.0}); }, "energy");
  expect_config_error([] { HenonHeiles({.energy = -1.0}); }, "energy");
}

TEST(SystemsValidation, Ring) {
  expect_config_error([] { Ring({.radius = 0.0}); }, "radius = 0");
  expect_config_error([] { Ring({.radius = std::nan("")}); }, "radius");
  expect_config_error([] { Ring({.width = -0.32}); }, "width = -0.32");
  expect_config_error([] { Ring({.width = INFINITY}); }, "width");
  expect_config_error([] { Ring({.temperature = 0.0}); }, "temperature = 0");
}

TEST(SystemsParameters, NamesAndValues) {
  EXPECT_EQ(Spring().parameters().at("k"), 2.0);
  EXPECT_EQ(Kepler({.eccentricities = {0.2, 0.3}}).parameters().at("eccentricity_1"), 0.3);
  const auto nb = NBody(NBodyParams::reference(3)).parameters();
  EXPECT_EQ(nb.at("bodies"), 3.0);
  EXPECT_EQ(nb.at("mass_2"), 1.0);
  EXPECT_EQ(nb.at("r_min"), 0.9);
  const auto fp = Fput({.n = 4, .periodic = false}).parameters();
  EXPECT_EQ(fp.at("periodic"), 0.0);
  EXPECT_EQ(fp.at("mode_energy_0"), 1.0);
  EXPECT_EQ(HenonHeiles().parameters().at("energy"), 0.125);
  EXPECT_EQ(Fput().name(), "fput");
  EXPECT_EQ(HenonHeiles().name(), "henon_heiles");
  EXPECT_EQ(Ring().name(), "ring");
  EXPECT_EQ(Ring().parameters().at("width"), 0.32);
  EXPECT_EQ(Ring({.radius = 1.5}).parameters().at("radius"), 1.5);
  EXPECT_EQ(NBody().name(), "nbody");
  EXPECT_EQ(Kepler().name(), "kepler");
}

}  // namespace
}  // namespace hnn
