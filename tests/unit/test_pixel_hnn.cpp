// The pixel HNN's layers and loss (src/nn/dense.*, src/nn/residual_mlp.*, src/models/pixel_hnn.*):
// the residual block, the encoder/decoder network (parameters and input) and the full pixel loss
// (pixel_hnn and pixel_baseline) against central finite differences on tiny networks, and the
// loss value against its definition recomputed from encode / decode / predict_field.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/rng.hpp"
#include "models/pixel_hnn.hpp"
#include "nn/residual_mlp.hpp"

namespace hnn {
namespace {

std::string sci(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2e", x);
  return buf;
}

Mat normal_matrix(long r, long c, Rng& rng, double scale = 1.0) {
  Mat m(r, c);
  for (long i = 0; i < m.size(); ++i) m.data()[i] = scale * rng.normal();
  return m;
}

// Central difference with one Richardson step (error ~h⁴ f⁽⁵⁾ and round-off ~eps|f|/h).
template <class F>
double richardson(F&& f, double h) {
  const double d1 = (f(h) - f(-h)) / (2 * h), d2 = (f(2 * h) - f(-2 * h)) / (4 * h);
  return (4 * d1 - d2) / 3;
}

// max_j |FD_j − g_j| / max_j |g_j| over all coordinates of th.
template <class F>
double fd_error(F&& f, const Vec& th, const Vec& g, double h) {
  double err = 0, scale = 0;
  for (long j = 0; j < th.size(); ++j) {
    const double fd = richardson(
        [&](double s) {
          Vec t = th;
          t[j] += s;
          return f(t);
        },
        h);
    err = std::max(err, std::abs(fd - g[j]));
    scale = std::max(scale, std::abs(g[j]));
  }
  return err / scale;
}

// ReLU has kinks: a finite difference across one is wrong by O(1). With pre-activations of
// order 1 and steps of 1e-5 the chance that any of the few hundred pre-activations lies within
// 2e-5 of 0 is ~1e-2 at most; the seeds below were not chosen to avoid it (none is hit).
constexpr double kStep = 1e-5;

TEST(PixelLayers, ResidualBlockMatchesCentralDifferences) {
  for (Activation act : {Activation::tanh, Activation::relu}) {
    Rng rng(3, 0);
    const int n = 5, B = 4;
    const Mat W0 = normal_matrix(n, n, rng, 0.7), h0 = normal_matrix(n, B, rng);
    const Vec b0 = normal_matrix(n, 1, rng, 0.3);
    const Mat C = normal_matrix(n, B, rng);  // L = Σ C ⊙ y
    Vec th(n * n + n + n * B);               // (W, b, h) flattened
    th << Eigen::Map<const Vec>(W0.data(), n * n), b0, Eigen::Map<const Vec>(h0.data(), n * B);
    auto loss = [&](const Vec& t) {
      ConstMapMat W(t.data(), n, n);
      ConstMapVec b(t.data() + n * n, n);
      const Mat h = Eigen::Map<const Mat>(t.data() + n * n + n, n, B);
      Mat a, y;
      residual_forward(act, W, b, h, a, y);
      return (C.array() * y.array()).sum();
    };
    Vec g = Vec::Zero(th.size());
    Mat a, y, dh = Mat::Zero(n, B);
    residual_forward(act, ConstMapMat(th.data(), n, n), ConstMapVec(th.data() + n * n, n), h0, a, y);
    residual_backward(act, ConstMapMat(th.data(), n, n), h0, a, C, MapMat(g.data(), n, n),
                      MapVec(g.data() + n * n, n), dh);
    g.tail(n * B) = Eigen::Map<const Vec>(dh.data(), n * B);
    const double err = fd_error(loss, th, g, kStep);
    RecordProperty("fd_rel_error_" + activation_name(act), sci(err));
    // Round-off of the difference quotient: eps·|L|/h ≈ 1e-16·10/1e-5 = 1e-10 relative to |g| ~ 1.
    EXPECT_LT(err, 1e-8) << activation_name(act);
  }
}

TEST(PixelLayers, ResidualMlpParameterAndInputGradientsMatchCentralDifferences) {
  Rng rng(4, 0);
  const ResidualMlp net({6, 5, 2, 3, Activation::relu});
  EXPECT_EQ(net.n_params(), (5 * 6 + 5) + 2 * (5 * 5 + 5) + (3 * 5 + 3));
  const int B = 3;
  Vec th(net.n_params());
  for (long i = 0; i < th.size(); ++i) th[i] = 0.6 * rng.normal();
  const Mat x = normal_matrix(6, B, rng), C = normal_matrix(3, B, rng);
  ResidualMlp::Cache c;
  auto loss_theta = [&](const Vec& t) {
    Mat y;
    ResidualMlp::Cache cc;
    net.forward(t.data(), x, y, cc);
    return (C.array() * y.array()).sum();
  };
  Mat y, dx = Mat::Zero(6, B);
  net.forward(th.data(), x, y, c);
  Vec g = Vec::Zero(th.size());
  net.backward(th.data(), c, C, g.data(), &dx);
  const double err = fd_error(loss_theta, th, g, kStep);
  RecordProperty("fd_rel_error_theta", sci(err));
  EXPECT_LT(err, 1e-8);  // as above: round-off ~1e-10
  const Vec xv = Eigen::Map<const Vec>(x.data(), x.size());
  auto loss_x = [&](const Vec& v) {
    Mat yy;
    ResidualMlp::Cache cc;
    net.forward(th.data(), Eigen::Map<const Mat>(v.data(), 6, B), yy, cc);
    return (C.array() * yy.array()).sum();
  };
  const double err_x = fd_error(loss_x, xv, Eigen::Map<const Vec>(dx.data(), dx.size()), kStep);
  RecordProperty("fd_rel_error_x", sci(err_x));
  EXPECT_LT(err_x, 1e-8);
}

PixelSpec tiny_spec(bool hnn) {
  PixelSpec s;
  s.hnn = hnn;
  s.frame_pixels = 6;  // "frames" of 6 pixels, pairs of 12
  s.ae_width = 5;
  s.ae_blocks = 2;
  s.hidden = {4, 4};
  return s;
}

// Tiny model with random θ (weights of order 1, so no layer is near-linear) and random frames.
struct Tiny {
  PixelHnnModel model;
  Vec theta;
  Mat x, xn;
  explicit Tiny(bool hnn) : model(2, tiny_spec(hnn)) {
    Rng rng(hnn ? 5 : 6, 0);
    theta.resize(model.n_params());
    for (long i = 0; i < theta.size(); ++i) theta[i] = 0.5 * rng.normal();
    x = normal_matrix(12, 3, rng);
    xn = normal_matrix(12, 3, rng);
  }
};

TEST(PixelLoss, FullParameterGradientMatchesCentralDifferences) {
  for (bool hnn : {true, false}) {
    Tiny t(hnn);
    auto ws = t.model.make_workspace();
    Vec g = Vec::Zero(t.model.n_params());
    t.model.frame_loss(t.theta, t.x, t.xn, *ws, g.data());
    auto loss = [&](const Vec& th) { return t.model.frame_loss(th, t.x, t.xn, *ws, nullptr); };
    const double err = fd_error(loss, t.theta, g, kStep);
    RecordProperty(std::string("fd_rel_error_") + (hnn ? "hnn" : "baseline"), sci(err));
    // |L| ~ 10, round-off ~eps·10/1e-5 ≈ 2e-10 against max|g| ~ 10: 1e-8 leaves a margin of 50.
    EXPECT_LT(err, 1e-8) << (hnn ? "pixel_hnn" : "pixel_baseline");
  }
}

TEST(PixelLoss, ValueIsTheReferenceFormula) {
  for (bool hnn : {true, false}) {
    Tiny t(hnn);
    auto ws = t.model.make_workspace();
    PixelLossParts parts;
    const double L = t.model.frame_loss_parts(t.theta, t.x, t.xn, *ws, nullptr, &parts);
    Mat z, zn, xh, f(2, 3);
    t.model.encode(t.theta, t.x, *ws, z);
    t.model.encode(t.theta, t.xn, *ws, zn);
    t.model.decode(t.theta, z, *ws, xh);
    t.model.predict_field(t.theta, z, *ws, f);
    // Per sample: mean over 12 of (x̂ − x)², (z_p − (z'_q − z_q))², 0.1 · mean over 2 of
    // (z' − z − f)²; summed over the 3 samples.
    const double ae = (xh - t.x).squaredNorm() / 12;
    const double cc = (z.row(1) - (zn.row(0) - z.row(0))).squaredNorm();
    const double dyn = 0.1 * (zn - z - f).squaredNorm() / 2;
    EXPECT_NEAR(parts.reconstruction, ae, 1e-12 * ae);  // same sums, other order: round-off
    EXPECT_NEAR(parts.coupling, cc, 1e-12 * cc);
    EXPECT_NEAR(parts.dynamics, dyn, 1e-12 * dyn);
    EXPECT_NEAR(L, ae + cc + dyn, 1e-12 * L);
  }
}

TEST(PixelLoss, HnnFieldIsHamiltonian) {
  // f = Ω∇H: the latent energy's rate of change ∇H · f is zero up to round-off.
  Tiny t(true);
  auto ws = t.model.make_workspace();
  Rng rng(7, 0);
  const Mat z = normal_matrix(2, 5, rng);
  Mat f(2, 5), h(1, 5), G(2, 5);
  t.model.predict_field(t.theta, z, *ws, f);
  t.model.energy_and_gradient(t.theta, z, *ws, h, G);
  for (long j = 0; j < 5; ++j)
    EXPECT_NEAR(G.col(j).dot(f.col(j)), 0.0, 1e-14 * G.col(j).squaredNorm());  // exact: a b − b a
}

}  // namespace
}  // namespace hnn
