// Symplectic flows (src/flows/): for every layer and for random stacks, exact invertibility,
// the symplectic condition JᵀΩJ = Ω with a finite-difference Jacobian, input and parameter
// gradients of scalar losses against finite differences, in both directions; the action loss
// with its anchor value and gradient; the [model] section of a flow.
//
// Finite differences: the 4-point central stencil f' ≈ (8(f(h) − f(−h)) − (f(2h) − f(−2h)))/(12h)
// with h = 1e-3, truncation error h⁴ f⁽⁵⁾/30 ≈ 3e-14·|f⁽⁵⁾| and rounding error
// ≈ ε|f|/h ≈ 2e-13·|f|, so derivatives of O(1) functions come out to about 1e-12; the tolerances
// below sit above that by a margin and far below the O(1) relative errors of any wrong formula.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "flows/action_loss.hpp"
#include "flows/coupling.hpp"
#include "flows/diagnostics.hpp"
#include "flows/exchange.hpp"
#include "flows/flow.hpp"
#include "flows/generator.hpp"
#include "flows/linear_symplectic.hpp"
#include "flows/zero_center.hpp"
#include "io/config.hpp"
#include "models/flow_model.hpp"
#include "train/batches.hpp"

namespace hnn {
namespace {

std::string sci(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2e", x);
  return buf;
}

constexpr int kN = 3;   // degrees of freedom
constexpr int kB = 7;   // batch columns
constexpr double kH = 1e-3;

double stencil(const std::function<double(double)>& f) {
  return (8 * (f(kH) - f(-kH)) - (f(2 * kH) - f(-2 * kH))) / (12 * kH);
}

// max_i |stencil of F in entry i of Z − G_i|: G against the central differences of F at Z.
double stencil_error(const Mat& z, const Mat& g, const std::function<double(const Mat&)>& f) {
  double err = 0;
  for (long i = 0; i < z.size(); ++i) {
    const double fd = stencil([&](double h) {
      Mat zz = z;
      zz.data()[i] += h;
      return f(zz);
    });
    err = std::max(err, std::abs(fd - g.data()[i]));
  }
  return err;
}

Mat normal_matrix(long r, long c, Rng& rng, double s = 1.0) {
  Mat m(r, c);
  for (long i = 0; i < m.size(); ++i) m.data()[i] = s * rng.normal();
  return m;
}

Mat omega(int n) {
  Mat W = Mat::Zero(2 * n, 2 * n);
  W.topRightCorner(n, n).setIdentity();
  W.bottomLeftCorner(n, n) = -Mat::Identity(n, n);
  return W;
}

using LayerMaker = std::function<std::unique_ptr<FlowLayer>()>;

struct Case {
  std::string name;
  std::function<std::unique_ptr<Flow>()> make;
};

std::unique_ptr<Flow> single(std::unique_ptr<FlowLayer> l) {
  std::vector<std::unique_ptr<FlowLayer>> v;
  v.push_back(std::move(l));
  return std::make_unique<Flow>(kN, std::move(v));
}

std::unique_ptr<Flow> stack_from(const std::string& toml) {
  const Config cfg = Config::from_string("[model]\n" + toml);
  return make_flow(cfg.section("model"), 2 * kN);
}

// Every layer alone, and random stacks of all of them.
std::vector<Case> cases() {
  using LS = LinearSymplecticLayer;
  return {
      {"exchange", [] { return single(std::make_unique<ExchangeLayer>(kN)); }},
      {"linear_diagonal", [] { return single(std::make_unique<LS>(kN, 2, LS::Shear::diagonal)); }},
      {"linear_symmetric",
       [] { return single(std::make_unique<LS>(kN, 3, LS::Shear::symmetric)); }},
      {"coupling_p",
       [] {
         return single(std::make_unique<CouplingLayer>(kN, CouplingLayer::Shift::p,
                                                       std::vector<int>{16, 8}));
       }},
      {"coupling_q",
       [] {
         return single(std::make_unique<CouplingLayer>(kN, CouplingLayer::Shift::q,
                                                       std::vector<int>{16}, Activation::softplus));
       }},
      {"coupling_p_poly",
       [] { return stack_from("layers = \"coupling_p\"\ngenerator = \"poly\"\ndegree = 4"); }},
      {"coupling_q_poly",
       [] { return stack_from("layers = \"coupling_q\"\ngenerator = \"poly\"\ndegree = 3"); }},
      {"zero_center", [] { return single(std::make_unique<ZeroCenterLayer>(kN)); }},
      {"stack_reference",
       [] {
         return stack_from("layers = \"zero_center linear coupling_p\"\nrepeat = 2\nhidden = [16]");
       }},
      {"stack_mixed",
       [] {
         return stack_from(
             "layers = \"linear, coupling_q, exchange, coupling_p, zero_center\"\nrepeat = 2\n"
             "hidden = [12, 6]\nshear = \"symmetric\"\nreflections = 3\nactivation = \"sigmoid\"");
       }},
  };
}

// Initial θ plus N(0, 0.3²) on every entry, so that L ≠ 1, M ≠ 0, c ≠ 0 and the zero-center
// buffers are not 0: every parameter is exercised.
Vec random_theta(const Flow& f, Rng& rng) {
  Vec th(f.n_params());
  f.init_params(rng, th);
  for (long i = 0; i < th.size(); ++i) th[i] += 0.3 * rng.normal();
  return th;
}

Mat apply(const Flow& f, const Vec& th, const Mat& x, bool inverse,
          FlowMode mode = FlowMode::eval) {
  auto c = f.make_cache();
  Mat y(x.rows(), x.cols());
  if (inverse)
    f.inverse(th, x, y, c, mode);
  else
    f.forward(th, x, y, c, mode);
  return y;
}

TEST(FlowLayers, InverseOfForwardIsIdentity) {
  // Each layer's inverse undoes it up to rounding: bound 1e-12 on states of size O(1).
  for (const auto& cs : cases()) {
    auto f = cs.make();
    Rng rng(11, 0);
    const Vec th = random_theta(*f, rng);
    const Mat x = normal_matrix(2 * kN, kB, rng);
    const double e1 = (apply(*f, th, apply(*f, th, x, false), true) - x).cwiseAbs().maxCoeff();
    const double e2 = (apply(*f, th, apply(*f, th, x, true), false) - x).cwiseAbs().maxCoeff();
    RecordProperty("roundtrip_" + cs.name, sci(std::max(e1, e2)));
    EXPECT_LT(e1, 1e-12) << cs.name;
    EXPECT_LT(e2, 1e-12) << cs.name;
    // A map that is not the identity (so the round trip tests something), except for the empty
    // case of none.
    EXPECT_GT((apply(*f, th, x, false) - x).cwiseAbs().maxCoeff(), 1e-3) << cs.name;
  }
}

// Jacobian of x -> T(x) (or T⁻¹) at column j by the 4-point stencil, one input at a time.
Mat fd_jacobian(const Flow& f, const Vec& th, const Vec& x0, bool inverse) {
  const int d = f.dim();
  Mat J(d, d);
  for (int k = 0; k < d; ++k)
    for (int i = 0; i < d; ++i)
      J(i, k) = stencil([&](double h) {
        Mat x = x0;
        x(k) += h;
        return apply(f, th, x, inverse)(i);
      });
  return J;
}

TEST(FlowLayers, SymplecticByFiniteDifferences) {
  // JᵀΩJ = Ω for the forward and the inverse map at random states; J by the 4-point stencil
  // (entries of J are O(1), each with FD error ~1e-12): bound 1e-10.
  const Mat W = omega(kN);
  for (const auto& cs : cases()) {
    auto f = cs.make();
    Rng rng(12, 0);
    const Vec th = random_theta(*f, rng);
    double worst = 0;
    for (int j = 0; j < 3; ++j) {
      const Vec x = normal_matrix(2 * kN, 1, rng);
      for (bool inv : {false, true}) {
        const Mat J = fd_jacobian(*f, th, x, inv);
        worst = std::max(worst, (J.transpose() * W * J - W).cwiseAbs().maxCoeff());
      }
    }
    RecordProperty("symplectic_" + cs.name, sci(worst));
    EXPECT_LT(worst, 1e-10) << cs.name;
  }
}

TEST(FlowLayers, LinearLayerMatrixIsSymplectic) {
  // The exact matrix of S = N·A·K: SᵀΩS = Ω to rounding (1e-13 for entries O(1)), and it is not
  // orthogonal once L ≠ 1 (the test can tell a symplectic from a merely orthogonal map).
  const Mat W = omega(kN);
  using LS = LinearSymplecticLayer;
  for (auto shear : {LS::Shear::diagonal, LS::Shear::symmetric}) {
    LinearSymplecticLayer l(kN, 2, shear);
    Rng rng(13, 0);
    Vec th(l.n_params());
    l.init_params(rng, th);
    for (long i = 0; i < th.size(); ++i) th[i] += 0.3 * rng.normal();
    const Mat S = l.matrix(th);
    EXPECT_LT((S.transpose() * W * S - W).cwiseAbs().maxCoeff(), 1e-13);
    EXPECT_GT((S.transpose() * S - Mat::Identity(2 * kN, 2 * kN)).cwiseAbs().maxCoeff(), 1e-2);
  }
  EXPECT_EQ(LinearSymplecticLayer(kN, 2).n_params(), (3 + 2 * 2) * kN);  // the reference count
}

// Scalar losses for the gradient checks: forward L = Σ c ⊙ y + ½ Σ y²; inverse L = ℓ(T⁻¹(y))
// + Σ c ⊙ x (the action loss, in training mode so zero_center takes batch means).
struct GradCheck {
  double x_err = 0, theta_err = 0;  // max |fd − analytic| / max(1, max |analytic|)
};

GradCheck check_gradients(const Flow& f, const Vec& th, const Mat& in, const Mat& cw,
                          bool inverse) {
  const FlowMode mode = inverse ? FlowMode::train : FlowMode::eval;
  auto loss = [&](const Vec& t, const Mat& x) {
    const Mat y = apply(f, t, x, inverse, mode);
    if (inverse) return action_loss(y) + (cw.array() * y.array()).sum();
    return (cw.array() * y.array()).sum() + 0.5 * y.squaredNorm();
  };
  auto c = f.make_cache();
  Mat out(in.rows(), in.cols()), gout, gin(in.rows(), in.cols());
  Vec dth = Vec::Zero(f.n_params());
  if (inverse) {
    f.inverse(th, in, out, c, mode);
    action_loss(out, &gout);
    gout += cw;
    f.inverse_backward(th, c, gout, gin, dth);
  } else {
    f.forward(th, in, out, c, mode);
    gout = cw + out;
    f.forward_backward(th, c, gout, gin, dth);
  }
  Mat fdx(in.rows(), in.cols());
  for (long i = 0; i < in.size(); ++i)
    fdx.data()[i] = stencil([&](double h) {
      Mat x = in;
      x.data()[i] += h;
      return loss(th, x);
    });
  // Buffers (zero_center's moving averages) are not trained: their gradient is 0 by definition.
  const auto buffer = f.buffer_mask();
  Vec fdt(th.size());
  for (long i = 0; i < th.size(); ++i)
    fdt[i] = buffer[static_cast<std::size_t>(i)] ? 0.0 : stencil([&](double h) {
      Vec t = th;
      t[i] += h;
      return loss(t, in);
    });
  GradCheck r;
  r.x_err = (fdx - gin).cwiseAbs().maxCoeff() / std::max(1.0, gin.cwiseAbs().maxCoeff());
  r.theta_err = th.size() ? (fdt - dth).cwiseAbs().maxCoeff() /
                                std::max(1.0, dth.cwiseAbs().maxCoeff())
                          : 0.0;
  return r;
}

TEST(FlowLayers, GradientsByFiniteDifferences) {
  // Input VJP and parameter gradient, forward and inverse direction, relative to the largest
  // gradient entry: bound 1e-8 (FD error ~1e-11 for these O(10) losses).
  for (const auto& cs : cases()) {
    auto f = cs.make();
    Rng rng(14, 0);
    const Vec th = random_theta(*f, rng);
    const Mat x = normal_matrix(2 * kN, kB, rng), cw = normal_matrix(2 * kN, kB, rng);
    for (bool inv : {false, true}) {
      const GradCheck g = check_gradients(*f, th, x, cw, inv);
      const std::string tag = cs.name + (inv ? "_inverse" : "_forward");
      RecordProperty("grad_x_" + tag, sci(g.x_err));
      RecordProperty("grad_theta_" + tag, sci(g.theta_err));
      EXPECT_LT(g.x_err, 1e-8) << tag;
      EXPECT_LT(g.theta_err, 1e-8) << tag;
    }
  }
}

TEST(FlowLayers, ZeroCenterTrainingUsesTheBatchMean) {
  // Training-mode inverse: the latent batch means are exactly α and β, whatever the data mean;
  // the moving average then moves by (1 − decay) toward the batch mean.
  ZeroCenterLayer z(kN, 0.9);
  Rng rng(15, 0);
  Vec th(4);
  th << 0.25, -0.5, 0.0, 0.0;
  const Mat y = normal_matrix(2 * kN, kB, rng).array() + 3.0;
  auto c = z.make_cache();
  Mat x(2 * kN, kB);
  z.inverse(th, y, x, *c, FlowMode::train);
  EXPECT_NEAR(x.topRows(kN).mean(), 0.25, 1e-14);
  EXPECT_NEAR(x.bottomRows(kN).mean(), -0.5, 1e-14);
  z.update_moving_average(th, *c);
  EXPECT_NEAR(th[2], 0.1 * y.topRows(kN).mean(), 1e-14);
  EXPECT_NEAR(th[3], 0.1 * y.bottomRows(kN).mean(), 1e-14);
}

TEST(FlowActionLoss, ReferenceAnchor) {
  // z = sqrt(0..7) as (τ = 2, batch = 1, d = 2, particles = 1, (q, p)): r = (1, 5) then (9, 13),
  // so Σ_k ‖r_k − r_{k+1}‖² = 2·(64 + 64) = 256 and ℓ = 256/(nτ) = 64 (the reference value).
  Mat z(4, 2);  // rows q_d0, q_d1, p_d0, p_d1; columns t
  for (int t = 0; t < 2; ++t)
    for (int d = 0; d < 2; ++d)
      for (int qp = 0; qp < 2; ++qp) z(qp * 2 + d, t) = std::sqrt(t * 4.0 + d * 2 + qp);
  EXPECT_NEAR(action_loss(z), 64.0, 1e-12);
}

TEST(FlowActionLoss, ZeroOnCirclesAndGradient) {
  // States on circles of fixed radius per plane: ℓ = 0 up to rounding (1e-28 for r ~ 1).
  Rng rng(16, 0);
  const int tau = 9;
  Mat z(2 * kN, tau);
  for (int k = 0; k < tau; ++k)
    for (int i = 0; i < kN; ++i) {
      const double a = 2 * M_PI * rng.uniform();
      z(i, k) = (1.0 + i) * std::cos(a);
      z(kN + i, k) = (1.0 + i) * std::sin(a);
    }
  EXPECT_LT(action_loss(z), 1e-28);
  // Gradient against the stencil at a random point (relative bound 1e-9).
  const Mat z2 = normal_matrix(2 * kN, tau, rng);
  Mat g;
  const double l = action_loss(z2, &g);
  EXPECT_GT(l, 0.1);
  const double err = stencil_error(z2, g, [](const Mat& zz) { return action_loss(zz); });
  RecordProperty("action_loss_grad_err", sci(err));
  EXPECT_LT(err / std::max(1.0, g.cwiseAbs().maxCoeff()), 1e-9);
}

TEST(FlowActionLoss, RelativeFormValueScaleInvarianceAndGradient) {
  // ℓ_rel = 1/(nτ) Σ_k Σ_i ((r_ik − r_i,k+1)/r̄_i)², computed here from its definition; scaling
  // one plane's (q̂, p̂) by s scales its r by s² and leaves ℓ_rel unchanged (to 1e-14 relative)
  // while ℓ changes; the gradient against the stencil (relative bound 1e-9).
  Rng rng(20, 0);
  const int tau = 8;
  const Mat z = normal_matrix(2 * kN, tau, rng);
  const Mat r = plane_radii(z);
  double want = 0;
  for (int i = 0; i < kN; ++i) {
    const double mean = r.row(i).mean();
    for (int k = 0; k < tau; ++k) want += std::pow((r(i, k) - r(i, (k + 1) % tau)) / mean, 2);
  }
  want /= kN * tau;
  const double l = action_loss(z, nullptr, true);
  EXPECT_NEAR(l, want, 1e-14 * want);
  Mat zs = z;
  zs.row(1) *= 0.01;
  zs.row(kN + 1) *= 0.01;
  EXPECT_NEAR(action_loss(zs, nullptr, true), l, 1e-14 * l);
  EXPECT_GT(std::abs(action_loss(zs) - action_loss(z)), 1e-3 * action_loss(z));
  Mat g;
  EXPECT_DOUBLE_EQ(action_loss(z, &g, true), l);
  const double err =
      stencil_error(z, g, [](const Mat& zz) { return action_loss(zz, nullptr, true); });
  RecordProperty("relative_action_loss_grad_err", sci(err));
  EXPECT_LT(err / std::max(1.0, g.cwiseAbs().maxCoeff()), 1e-9);
  // A plane with every state at the origin adds nothing (and no NaN).
  Mat z0 = z;
  z0.row(0).setZero();
  z0.row(kN).setZero();
  action_loss(z0, &g, true);
  EXPECT_TRUE(g.allFinite());
  EXPECT_EQ(g.row(0).cwiseAbs().maxCoeff(), 0.0);
}

TEST(FlowActionLoss, AngleRateOnUniformRotationAndGradient) {
  // Planes turning clockwise at ω_i on circles r_i: c_i = r_i sin(ω_i δ)/δ at every time, so
  // ℓ_c = 0 up to rounding; a rate that changes along the trajectory gives ℓ_c > 0.
  Rng rng(18, 0);
  const int tau = 7;
  const double delta = 0.05;
  const auto states = [&](double chirp, Mat& z, Mat& zl) {
    z.resize(2 * kN, tau);
    zl.resize(2 * kN, tau);
    for (int k = 0; k < tau; ++k) {
      const double t = 3 * rng.uniform();
      for (int i = 0; i < kN; ++i) {
        const double w = 0.5 + i, a = std::sqrt(1.0 + i);
        const auto phi = [&](double s) { return 0.3 * i - w * s - chirp * s * s; };
        z(i, k) = a * std::cos(phi(t));
        z(kN + i, k) = a * std::sin(phi(t));
        zl(i, k) = a * std::cos(phi(t + delta));
        zl(kN + i, k) = a * std::sin(phi(t + delta));
      }
    }
  };
  Mat z, zl;
  states(0.0, z, zl);
  const Mat c = plane_rates(z, zl, delta);
  for (int i = 0; i < kN; ++i)
    EXPECT_NEAR(c(i, 3), (1.0 + i) * std::sin((0.5 + i) * delta) / delta, 1e-12);
  EXPECT_LT(angle_rate_loss(z, zl, delta), 1e-24);
  states(0.4, z, zl);
  EXPECT_GT(angle_rate_loss(z, zl, delta), 1e-2);
  // Gradient in both blocks against the stencil at random states (relative bound 1e-9).
  const Mat a = normal_matrix(2 * kN, tau, rng), b = normal_matrix(2 * kN, tau, rng);
  Mat ga, gb;
  angle_rate_loss(a, b, delta, &ga, &gb);
  const double err =
      std::max(stencil_error(a, ga, [&](const Mat& aa) { return angle_rate_loss(aa, b, delta); }),
               stencil_error(b, gb, [&](const Mat& bb) { return angle_rate_loss(a, bb, delta); }));
  const double scale = std::max({1.0, ga.cwiseAbs().maxCoeff(), gb.cwiseAbs().maxCoeff()});
  RecordProperty("angle_rate_grad_err", sci(err / scale));
  EXPECT_LT(err / scale, 1e-9);
}

TEST(FlowActionLoss, StillPlanesKnownAnswerAndGradient) {
  // ℓ_s of the planes S = {0, 2} (of n = kN = 3): states whose planes 0 and 2 are fixed points
  // (plane 1 turning) give 0 exactly; moving plane 0's point by (a_k, b_k) gives
  // 1/(nτ) Σ_k (a_k − a_{k+1})² + (b_k − b_{k+1})², from the definition.
  static_assert(kN == 3);
  Rng rng(21, 0);
  const int tau = 5;
  Mat z(2 * kN, tau);
  for (int k = 0; k < tau; ++k) {
    const double a = 2 * M_PI * rng.uniform();
    z.col(k) << 0.3, std::cos(a), -1.2, 0.7, std::sin(a), 0.4;
  }
  const std::vector<int> s{0, 2};
  EXPECT_EQ(still_plane_loss(z, s), 0.0);
  const Vec a = normal_matrix(tau, 1, rng), b = normal_matrix(tau, 1, rng);
  z.row(0) += a.transpose();
  z.row(kN) += b.transpose();
  double want = 0;
  for (int k = 0; k < tau; ++k)
    want += std::pow(a[k] - a[(k + 1) % tau], 2) + std::pow(b[k] - b[(k + 1) % tau], 2);
  want /= kN * tau;
  EXPECT_NEAR(still_plane_loss(z, s), want, 1e-14 * want);
  EXPECT_EQ(still_plane_loss(z, {2}), 0.0);  // plane 1 turns, plane 2 holds still
  EXPECT_GT(still_plane_loss(z, {1}), 0.1);
  // Gradient at random states against the stencil (relative bound 1e-9), zero off S's rows.
  const Mat r = normal_matrix(2 * kN, tau, rng);
  Mat g;
  EXPECT_GT(still_plane_loss(r, s, &g), 0.1);
  const double err = stencil_error(r, g, [&](const Mat& zz) { return still_plane_loss(zz, s); });
  RecordProperty("still_plane_grad_err", sci(err));
  EXPECT_LT(err / std::max(1.0, g.cwiseAbs().maxCoeff()), 1e-9);
  EXPECT_EQ(g.row(1).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_EQ(g.row(kN + 1).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_THROW(still_plane_loss(r, {kN}), std::out_of_range);
}

TEST(FlowLayers, PolynomialGeneratorMonomials) {
  // n = 2, degree 3: u0², u0u1, u1², u0³, u0²u1, u0u1², u1³ in this order; with θ = e_m, ∇F is
  // the gradient of the m-th monomial (exact in floating point at u = (1.5, −0.5)).
  const auto f = make_polynomial_generator(2, 3);
  ASSERT_EQ(f->n_params(), 7);
  const double a = 1.5, b = -0.5;
  const std::vector<std::array<double, 2>> want{{2 * a, 0},         {b, a},
                                                {0, 2 * b},         {3 * a * a, 0},
                                                {2 * a * b, a * a}, {b * b, 2 * a * b},
                                                {0, 3 * b * b}};
  Mat u(2, 1), g, hv;
  u << a, b;
  auto c = f->make_cache();
  for (long m = 0; m < 7; ++m) {
    Vec th = Vec::Zero(7);
    th[m] = 1;
    f->gradient(th, u, g, *c);
    EXPECT_EQ(g(0, 0), want[static_cast<std::size_t>(m)][0]) << "monomial " << m;
    EXPECT_EQ(g(1, 0), want[static_cast<std::size_t>(m)][1]) << "monomial " << m;
  }
  // ∇²(u0²u1)·(1, 0) = (2u1, 2u0).
  Vec th = Vec::Zero(7);
  th[4] = 1;
  f->gradient(th, u, g, *c);
  Mat v(2, 1);
  v << 1, 0;
  f->hvp(th, *c, v, hv);
  EXPECT_EQ(hv(0, 0), 2 * b);
  EXPECT_EQ(hv(1, 0), 2 * a);
  EXPECT_THROW(make_polynomial_generator(2, 1), ConfigError);
}

TEST(FlowConfig, BuildsTheStackAndRejectsUnknownLayers) {
  auto f = stack_from("layers = \"zero_center linear coupling_p\"\nrepeat = 4\nhidden = [512]");
  ASSERT_EQ(f->n_layers(), 12);
  EXPECT_EQ(f->layer(0).name(), "zero_center");
  EXPECT_EQ(f->layer(11).name(), "coupling_p");
  // per block: 4 + (3 + 2·2)·3 + (3·512 + 512 + 512) + 3
  EXPECT_EQ(f->n_params(), 4 * (4 + 21 + 2560 + 3));
  EXPECT_THROW(stack_from("layers = \"linear swirl\""), ConfigError);
  EXPECT_THROW(stack_from("layers = \"\""), ConfigError);
  EXPECT_THROW(stack_from("layers = \"coupling_p\"\ngenerator = \"spline\""), ConfigError);
  EXPECT_THROW(stack_from("layers = \"coupling_p\"\ngenerator = \"poly\"\ndegree = 1"),
               ConfigError);
  // poly, n = 3, degree 4: C(7, 4) − 1 − 3 = 31 coefficients + c (3).
  EXPECT_EQ(stack_from("layers = \"coupling_p\"\ngenerator = \"poly\"")->n_params(), 34);
}

TEST(FlowTraining, EpochBatchesCoverEveryTrajectoryOncePerEpoch) {
  // 10 trajectories, batch 4: epochs of 4 + 4 + 2; each epoch a permutation, a new one each epoch.
  std::vector<std::vector<std::int64_t>> epochs(3);
  for (long step = 0; step < 9; ++step) {
    const auto b = epoch_batch(7, step, 10, 4);
    EXPECT_EQ(b.size(), step % 3 == 2 ? 2u : 4u);
    EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
    auto& e = epochs[static_cast<std::size_t>(step / 3)];
    e.insert(e.end(), b.begin(), b.end());
  }
  for (auto e : epochs) {
    std::sort(e.begin(), e.end());
    for (std::int64_t i = 0; i < 10; ++i) EXPECT_EQ(e[static_cast<std::size_t>(i)], i);
  }
  EXPECT_NE(epoch_batch(7, 0, 10, 4), epoch_batch(7, 3, 10, 4));  // reshuffled
  EXPECT_EQ(epoch_batch(7, 5, 10, 10).size(), 10u);                // batch >= n: all
}

// A small flow model for the trajectory-loss tests: 2 blocks of [zero_center, linear, coupling_p].
FlowModel small_flow_model() {
  const Config cfg = Config::from_string(
      "[model]\nkind = \"flow\"\nlayers = \"zero_center linear coupling_p\"\nrepeat = 2\n"
      "hidden = [8]");
  return FlowModel(cfg.section("model"), 2 * kN);
}

// max_i |central difference − G_i| / max(1, ‖G‖∞) for M's trajectory loss at (TH, X, ANGLE);
// buffer entries of θ must have gradient 0.
double trajectory_grad_error(const FlowModel& m, const Vec& th, const Mat& x,
                             const Model::TrajectoryTerms& terms, const Vec& g) {
  auto ws = m.make_workspace();
  const auto buffer = m.flow().buffer_mask();
  double err = 0;
  for (long i = 0; i < th.size(); ++i) {
    const double fd = buffer[static_cast<std::size_t>(i)] ? 0.0 : stencil([&](double h) {
      Vec t = th;
      t[i] += h;
      return m.trajectory_loss(t, x, terms, *ws, nullptr);
    });
    err = std::max(err, std::abs(fd - g[i]));
  }
  return err / std::max(1.0, g.cwiseAbs().maxCoeff());
}

TEST(FlowTraining, ModelTrajectoryLossAndGradient) {
  // FlowModel::trajectory_loss = ℓ(T⁻¹(x)), its gradient against the stencil (relative 1e-8).
  const FlowModel m = small_flow_model();
  Rng rng(17, 0);
  const Vec th = random_theta(m.flow(), rng);
  const Mat x = normal_matrix(2 * kN, 11, rng);
  auto ws = m.make_workspace();
  Vec g = Vec::Zero(m.n_params());
  const double l = m.trajectory_loss(th, x, {}, *ws, g.data());
  auto c = m.flow().make_cache();
  Mat z(2 * kN, 11);
  m.flow().inverse(th, x, z, c);
  EXPECT_DOUBLE_EQ(l, action_loss(z));
  const double err = trajectory_grad_error(m, th, x, {}, g);
  RecordProperty("model_grad_err", sci(err));
  EXPECT_LT(err, 1e-8);
  // With the still-plane term on plane 1: ℓ + 0.4·ℓ_s, and its gradient.
  const Model::TrajectoryTerms still{0, 0, false, 0.4, {1}};
  g.setZero();
  EXPECT_NEAR(m.trajectory_loss(th, x, still, *ws, g.data()),
              action_loss(z) + 0.4 * still_plane_loss(z, {1}), 1e-12 * l);
  const double err_s = trajectory_grad_error(m, th, x, still, g);
  RecordProperty("model_still_grad_err", sci(err_s));
  EXPECT_LT(err_s, 1e-8);
  EXPECT_THROW(m.sum_squared_error(th, x, x, *ws, nullptr), ConfigError);
}

TEST(FlowTraining, ModelAngleRateTermAndGradient) {
  // With the angle-rate term, X holds the sampled states and, in a second block, their partners
  // dt later: loss = ℓ(Z) + w·ℓ_c(Z, Z') (or ℓ_rel(Z) + w·ℓ_c with relative actions), with the
  // still-plane term 0.4·ℓ_s(Z) on planes 0 and 2 beside it; its θ-gradient against the stencil
  // (relative 1e-8).
  const FlowModel m = small_flow_model();
  Rng rng(19, 0);
  const Vec th = random_theta(m.flow(), rng);
  const Mat x = normal_matrix(2 * kN, 2 * 6, rng);
  auto c = m.flow().make_cache();
  Mat z(2 * kN, 12);
  m.flow().inverse(th, x, z, c);
  for (const bool relative : {false, true}) {
    const Model::TrajectoryTerms terms{0.7, 0.1, relative, 0.4, {0, 2}};
    auto ws = m.make_workspace();
    Vec g = Vec::Zero(m.n_params());
    const double l = m.trajectory_loss(th, x, terms, *ws, g.data());
    const double want = action_loss(z.leftCols(6), nullptr, relative) +
                        0.7 * angle_rate_loss(z.leftCols(6), z.rightCols(6), 0.1) +
                        0.4 * still_plane_loss(z.leftCols(6), {0, 2});
    EXPECT_NEAR(l, want, 1e-12 * l);
    const double err = trajectory_grad_error(m, th, x, terms, g);
    RecordProperty(relative ? "model_relative_grad_err" : "model_angle_grad_err", sci(err));
    EXPECT_LT(err, 1e-8);
    EXPECT_THROW(m.trajectory_loss(th, x.leftCols(11), terms, *ws, nullptr), ConfigError);
  }
}

TEST(FlowDiagnostics, FrequenciesAndSymplecticError) {
  // Latent motion z_i(t) = √r_i (cos(φ_i − ω_i t), sin(φ_i − ω_i t)) pushed through a random
  // stack T: pulled back by T⁻¹ it gives back ω_i (to 1e-10: the round trip is exact to ~1e-15
  // and the angle fit is linear least squares), r constant (relative std < 1e-12) and a zero
  // fit residual; T⁻¹ is symplectic to rounding (exact Jacobian: bound 1e-12).
  auto f = stack_from("layers = \"linear coupling_p coupling_q\"\nrepeat = 2\nhidden = [8]");
  Rng rng(18, 0);
  const Vec th = random_theta(*f, rng);
  const Vec omega = (Vec(kN) << 0.7, 1.3, 2.1).finished();
  const int tau = 400;
  const Vec t = Vec::LinSpaced(tau, 0.0, 20.0);
  Mat z(2 * kN, tau);
  for (int i = 0; i < kN; ++i)
    for (int k = 0; k < tau; ++k) {
      const double a = 0.3 * i - omega[i] * t[k];
      z(i, k) = (1.0 + i) * std::cos(a);
      z(kN + i, k) = (1.0 + i) * std::sin(a);
    }
  const Mat x = apply(*f, th, z, false);
  const auto fits = fit_action_angles(*f, th, x, t);
  for (int i = 0; i < kN; ++i) {
    EXPECT_NEAR(fits[static_cast<std::size_t>(i)].omega, omega[i], 1e-10);
    EXPECT_NEAR(fits[static_cast<std::size_t>(i)].r_mean, (1.0 + i) * (1.0 + i), 1e-12);
    EXPECT_LT(fits[static_cast<std::size_t>(i)].r_rel_std, 1e-12);
    EXPECT_LT(fits[static_cast<std::size_t>(i)].angle_residual, 1e-12);
  }
  const double err = symplectic_error(*f, th, x.leftCols(5));
  RecordProperty("diagnostics_symplectic_error", sci(err));
  EXPECT_LT(err, 1e-12);
}

}  // namespace
}  // namespace hnn
