// The MLP (src/nn/mlp.*) and its initialisation (src/nn/init.*): parameter layout and count,
// generic backward against central differences, the scalar network's input gradient, its exact
// parameter gradient through the input gradient (the HNN training pass) and its Hessian-vector
// products against central differences, float32 against float64, orthogonal and Glorot init.
// Every tolerance says why it has its size.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "nn/init.hpp"
#include "nn/mlp.hpp"

namespace hnn {
namespace {

// For RecordProperty: the measured errors, readable in --gtest_output=xml.
std::string sci(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2e", x);
  return buf;
}

using Vec = MlpD::Vec;
using Mat = MlpD::Mat;

Mat normal_matrix(Eigen::Index r, Eigen::Index c, Rng& rng, double scale = 1.0) {
  Mat m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = scale * rng.normal();
  return m;
}

// Random θ with weights ~ N(0, 0.7²) and biases ~ N(0, 0.3²): pre-activations of order 1, so the
// nonlinearity (and σ'') matters in every layer.
Vec random_theta(const MlpD& net, Rng& rng) {
  Vec th(net.n_params());
  for (Eigen::Index i = 0; i < th.size(); ++i) th[i] = 0.7 * rng.normal();
  for (int k = 0; k < net.n_layers(); ++k) net.b(k, th) *= 0.3 / 0.7;
  return th;
}

std::string describe(const MlpShape& s) {
  std::string out = activation_name(s.act) + " sizes";
  for (int n : s.sizes) {
    out += ' ';
    out += std::to_string(n);  // (not " " + …: GCC 12 -O3 warns falsely, -Wrestrict)
  }
  return out + (s.last_bias ? " with last bias" : " no last bias");
}

// Central difference with one Richardson step: D(h) = (f(h) − f(−h)) / 2h errs by h² f‴/6 + O(h⁴);
// (4 D(h) − D(2h)) / 3 cancels the h² term. With h = 1e-4 the rest is truncation ~h⁴ f⁽⁵⁾/30
// ≈ 3e-18 f⁽⁵⁾ and round-off ≈ 1.5 eps |f| / h ≈ 3e-12 |f| (values carrying ~1 ulp). F maps a step
// s to a value (double or matrix) at offset s.
template <class F>
auto richardson(F&& f, double h = 1e-4) {
  using R = decltype(f(0.0));
  const R d1 = (f(h) - f(-h)) / (2 * h);
  const R d2 = (f(2 * h) - f(-2 * h)) / (4 * h);
  return R((4 * d1 - d2) / 3);
}

// ∂f/∂θ_j by richardson().
template <class F>
double fd_theta(F&& f, const Vec& th, long j) {
  return richardson([&](double s) {
    Vec t = th;
    t[j] += s;
    return f(t);
  });
}

// max_j |fd_j − g_j| / max_j |g_j| over the coordinates J.
template <class F>
double fd_error(F&& f, const Vec& th, const Vec& g, const std::vector<long>& J) {
  double err = 0, scale = 0;
  for (long j : J) {
    err = std::max(err, std::abs(fd_theta(f, th, j) - g[j]));
    scale = std::max(scale, std::abs(g[j]));
  }
  return err / scale;
}

std::vector<long> all_indices(long n) {
  std::vector<long> J(n);
  for (long j = 0; j < n; ++j) J[j] = j;
  return J;
}

// ---------------------------------------------------------------------------------------------
// Layout

TEST(Mlp, ParameterCountOfTheHnnReference) {
  EXPECT_EQ(MlpD(MlpShape{{2, 200, 200, 1}, Activation::tanh}).n_params(), 41000);
  // The reference's two-output net (41,200) and the baseline with a last bias (d = 2 outputs).
  EXPECT_EQ(MlpD(MlpShape{{2, 200, 200, 2}, Activation::tanh}).n_params(), 41200);
  EXPECT_EQ(MlpD(MlpShape{{2, 200, 200, 2}, Activation::tanh, true}).n_params(), 41202);
}

TEST(Mlp, LayoutIsWeightsThenBiasPerLayer) {
  const MlpD net(MlpShape{{3, 4, 2}, Activation::tanh, true});
  ASSERT_EQ(net.n_params(), 3 * 4 + 4 + 4 * 2 + 2);
  Vec th = Vec::LinSpaced(net.n_params(), 0, static_cast<double>(net.n_params() - 1));
  EXPECT_EQ(net.W(0, th)(0, 0), 0);
  EXPECT_EQ(net.W(0, th)(1, 0), 1);  // column-major
  EXPECT_EQ(net.W(0, th)(0, 1), 4);
  EXPECT_EQ(net.b(0, th)(0), 12);
  EXPECT_EQ(net.W(1, th)(0, 0), 16);
  EXPECT_EQ(net.b(1, th)(1), 25);
  net.W(1, th)(1, 3) = -1;  // views write through
  EXPECT_EQ(th[16 + 7], -1);
  const MlpD nobias(MlpShape{{3, 4, 1}, Activation::tanh});
  EXPECT_FALSE(nobias.has_bias(1));
  EXPECT_EQ(nobias.b(1, Vec(nobias.n_params())).size(), 0);
  EXPECT_THROW(MlpD(MlpShape{{3}, Activation::tanh}), ConfigError);
  EXPECT_THROW(MlpD(MlpShape{{3, 0, 1}, Activation::tanh}), ConfigError);
}

// ---------------------------------------------------------------------------------------------
// Generic (vector-output) passes: loss Σ R ⊙ Y

TEST(Mlp, GenericBackwardMatchesCentralDifferences) {
  Rng rng(11, 0);
  const long B = 5;
  double worst_theta = 0, worst_x = 0;
  for (Activation act : {Activation::tanh, Activation::softplus, Activation::sigmoid}) {
    for (const std::vector<int>& sizes :
         std::vector<std::vector<int>>{{3, 2}, {3, 6, 2}, {3, 6, 5, 2}}) {
      for (bool last_bias : {false, true}) {
        const MlpShape shape{sizes, act, last_bias};
        SCOPED_TRACE(describe(shape));
        const MlpD net(shape);
        const Vec th = random_theta(net, rng);
        const Mat X = normal_matrix(sizes.front(), B, rng);
        const Mat R = normal_matrix(sizes.back(), B, rng);
        MlpD::Cache cache;
        Mat Y(sizes.back(), B);
        auto loss = [&](const Vec& t) {
          net.forward(t, X, Y, cache);
          return (R.array() * Y.array()).sum();
        };
        loss(th);
        Vec g = Vec::Constant(net.n_params(), 0.25);  // backward accumulates onto this
        Mat dX = Mat::Constant(sizes.front(), B, -0.5);
        net.backward(th, cache, R, g, dX);
        g.array() -= 0.25;
        dX.array() += 0.5;
        // 1e-9 relative (norm-wise, here and below): the extrapolated difference is good to a few
        // 1e-12 for these O(1) losses (see richardson); measured ≤ 3e-11.
        const double e_theta = fd_error(loss, th, g, all_indices(net.n_params()));
        EXPECT_LE(e_theta, 1e-9);
        double e_x = 0;
        for (Eigen::Index i = 0; i < X.size(); ++i) {
          const double fd = richardson([&](double s) {
            Mat Xs = X;
            Xs.data()[i] += s;
            net.forward(th, Xs, Y, cache);
            return (R.array() * Y.array()).sum();
          });
          e_x = std::max(e_x, std::abs(fd - dX.data()[i]));
        }
        e_x /= dX.cwiseAbs().maxCoeff();
        EXPECT_LE(e_x, 1e-9);
        worst_theta = std::max(worst_theta, e_theta);
        worst_x = std::max(worst_x, e_x);
      }
    }
  }
  RecordProperty("fd_rel_err_dtheta", sci(worst_theta));
  RecordProperty("fd_rel_err_dX", sci(worst_x));
}

// ---------------------------------------------------------------------------------------------
// Scalar network

struct Eval {
  Mat H, G;
};

Eval eval_scalar(const MlpD& net, const Vec& th, const Mat& X, MlpD::Cache& cache) {
  Eval e{Mat(1, X.cols()), Mat(X.rows(), X.cols())};
  net.forward_with_input_grad(th, X, e.H, e.G, cache);
  return e;
}

// The HNN loss mean((Ω G − target)²) with Ω G = (∂H/∂p, −∂H/∂q), and its dL/dG.
double hnn_loss(const Mat& G, const Mat& target, Mat* dG) {
  const long n = G.rows() / 2;
  Mat y(G.rows(), G.cols());
  y.topRows(n) = G.bottomRows(n);
  y.bottomRows(n) = -G.topRows(n);
  const Mat r = y - target;
  const double N = static_cast<double>(r.size());
  if (dG) {
    const Mat dy = 2.0 / N * r;
    dG->resize(G.rows(), G.cols());
    dG->bottomRows(n) = dy.topRows(n);
    dG->topRows(n) = -dy.bottomRows(n);
  }
  return r.squaredNorm() / N;
}

TEST(MlpScalar, InputGradientMatchesCentralDifferencesOfH) {
  Rng rng(12, 0);
  for (Activation act :
       {Activation::tanh, Activation::softplus, Activation::sigmoid, Activation::relu}) {
    const MlpShape shape{{4, 7, 6, 1}, act, true};
    SCOPED_TRACE(describe(shape));
    const MlpD net(shape);
    const Vec th = random_theta(net, rng);
    const Mat X = normal_matrix(4, 9, rng);
    MlpD::Cache cache;
    const Eval e = eval_scalar(net, th, X, cache);
    Mat fd(4, 9);
    for (int i = 0; i < 4; ++i) {
      fd.row(i) = richardson([&](double s) {
        Mat Xs = X;
        Xs.row(i).array() += s;
        return eval_scalar(net, th, Xs, cache).H;
      });
    }
    // 1e-9 relative (norm-wise): see richardson (measured ≤ 1e-11). relu is piecewise linear, so
    // its difference is exact up to round-off unless a unit's kink lies within 2h = 2e-4 of a
    // sample; with this fixed seed none does (the data are deterministic: Philox).
    const double err = (fd - e.G).cwiseAbs().maxCoeff() / e.G.cwiseAbs().maxCoeff();
    EXPECT_LE(err, 1e-9);
    RecordProperty("fd_rel_err_G_" + activation_name(act), sci(err));
  }
}

// dθ from backward_through_input_grad against central differences over all parameters, for
// L = Σ α ⊙ H + Σ β ⊙ G and for the HNN loss, across activations, depths and last-layer bias.
TEST(MlpScalar, ParameterGradientThroughInputGradientMatchesCentralDifferences) {
  Rng rng(13, 0);
  const long B = 7;
  double worst_lin = 0, worst_hnn = 0;
  for (Activation act : {Activation::tanh, Activation::softplus, Activation::sigmoid}) {
    for (const std::vector<int>& sizes :
         std::vector<std::vector<int>>{{2, 1}, {2, 5, 1}, {2, 5, 4, 1}, {4, 6, 5, 1}}) {
      for (bool last_bias : {false, true}) {
        const MlpShape shape{sizes, act, last_bias};
        SCOPED_TRACE(describe(shape));
        const MlpD net(shape);
        const long d = sizes.front();
        const Vec th = random_theta(net, rng);
        const Mat X = normal_matrix(d, B, rng);
        const Mat alpha = normal_matrix(1, B, rng), beta = normal_matrix(d, B, rng);
        const Mat target = normal_matrix(d, B, rng, 0.3);
        MlpD::Cache cache;
        const std::vector<long> J = all_indices(net.n_params());

        // L = Σ α ⊙ H + Σ β ⊙ G
        auto lin = [&](const Vec& t) {
          const Eval e = eval_scalar(net, t, X, cache);
          return (alpha.array() * e.H.array()).sum() + (beta.array() * e.G.array()).sum();
        };
        lin(th);
        Vec g = Vec::Ones(net.n_params());  // accumulates onto this
        net.backward_through_input_grad(th, cache, alpha, beta, g);
        g.array() -= 1.0;
        // 1e-9 relative (norm-wise): see richardson; measured ≤ 4e-11.
        const double e_lin = fd_error(lin, th, g, J);
        EXPECT_LE(e_lin, 1e-9) << "linear loss";

        // HNN loss: dH = 0, dG from the loss.
        auto hnn = [&](const Vec& t) {
          return hnn_loss(eval_scalar(net, t, X, cache).G, target, nullptr);
        };
        Mat dG;
        hnn_loss(eval_scalar(net, th, X, cache).G, target, &dG);
        Vec g2 = Vec::Zero(net.n_params());
        net.backward_through_input_grad(th, cache, Mat::Zero(1, B), dG, g2);
        const double e_hnn = fd_error(hnn, th, g2, J);
        EXPECT_LE(e_hnn, 1e-9) << "HNN loss";
        worst_lin = std::max(worst_lin, e_lin);
        worst_hnn = std::max(worst_hnn, e_hnn);
      }
    }
  }
  RecordProperty("fd_rel_err_linear_loss", sci(worst_lin));
  RecordProperty("fd_rel_err_hnn_loss", sci(worst_hnn));
}

// The reference network 2 → 200 → 200 → 1 (tanh, orthogonal init), HNN loss, 300 random
// parameters of the 41,000 (each layer represented).
TEST(MlpScalar, ParameterGradientOfTheReferenceNetOnARandomSubset) {
  const MlpShape shape{{2, 200, 200, 1}, Activation::tanh};
  const MlpD net(shape);
  Rng rng(14, 0);
  Vec th(net.n_params());
  init_params<double>(shape, "orthogonal", rng, th);
  const long B = 16;
  const Mat X = normal_matrix(2, B, rng), target = normal_matrix(2, B, rng);
  MlpD::Cache cache;
  auto hnn = [&](const Vec& t) {
    return hnn_loss(eval_scalar(net, t, X, cache).G, target, nullptr);
  };
  Mat dG;
  hnn_loss(eval_scalar(net, th, X, cache).G, target, &dG);
  Vec g = Vec::Zero(net.n_params());
  net.backward_through_input_grad(th, cache, Mat::Zero(1, B), dG, g);
  std::vector<long> J;
  for (int k = 0; k < 300; ++k) J.push_back(static_cast<long>(rng.uniform() * net.n_params()));
  for (long j : {0L, 399L, 400L, 599L, 600L, 40599L, 40600L, 40799L, 40800L, 40999L})
    J.push_back(j);
  // 2e-9 relative: as above, but the gradients of this net are ~60× smaller than the loss, so the
  // round-off of the difference (3e-12 |L|, here L ≈ 60 max|g|) weighs more; measured 1.6e-10.
  const double err = fd_error(hnn, th, g, J);
  EXPECT_LE(err, 2e-9);
  RecordProperty("fd_rel_err_reference_net", sci(err));
}

// With dG = 0, the pass is ordinary backprop of H: it must equal the generic backward.
TEST(MlpScalar, WithoutGradientTermItEqualsTheGenericBackward) {
  const MlpShape shape{{3, 8, 8, 1}, Activation::softplus, true};
  const MlpD net(shape);
  Rng rng(15, 0);
  const Vec th = random_theta(net, rng);
  const Mat X = normal_matrix(3, 10, rng), dH = normal_matrix(1, 10, rng);
  MlpD::Cache c1, c2;
  Mat H(1, 10), G(3, 10), Y(1, 10);
  net.forward_with_input_grad(th, X, H, G, c1);
  net.forward(th, X, Y, c2);
  EXPECT_LE((H - Y).cwiseAbs().maxCoeff(), 1e-15);  // same products, same order
  Vec g1 = Vec::Zero(net.n_params()), g2 = Vec::Zero(net.n_params());
  net.backward_through_input_grad(th, c1, dH, Mat::Zero(3, 10), g1);
  net.backward(th, c2, dH, g2);
  EXPECT_LE((g1 - g2).cwiseAbs().maxCoeff(), 1e-14 * g2.cwiseAbs().maxCoeff());  // round-off only
}

TEST(MlpScalar, HessianVectorProductsMatchCentralDifferencesOfG) {
  Rng rng(16, 0);
  double worst = 0;
  for (Activation act : {Activation::tanh, Activation::softplus, Activation::sigmoid}) {
    for (const std::vector<int>& sizes :
         std::vector<std::vector<int>>{{4, 1}, {4, 6, 1}, {4, 7, 5, 1}}) {
      const MlpShape shape{sizes, act, true};
      SCOPED_TRACE(describe(shape));
      const MlpD net(shape);
      const Vec th = random_theta(net, rng);
      const Mat X = normal_matrix(4, 6, rng), V = normal_matrix(4, 6, rng),
                W = normal_matrix(4, 6, rng);
      MlpD::Cache cache;
      Mat HV(4, 6), HW(4, 6);
      net.hvp(th, X, V, HV, cache);
      net.hvp(th, X, W, HW, cache);
      // hvp leaves the cache as forward_with_input_grad on X does: the training pass still works.
      Vec g1 = Vec::Zero(net.n_params()), g2 = Vec::Zero(net.n_params());
      net.backward_through_input_grad(th, cache, V.topRows(1), W, g1);
      MlpD::Cache fresh;
      eval_scalar(net, th, X, fresh);
      net.backward_through_input_grad(th, fresh, V.topRows(1), W, g2);
      EXPECT_EQ(g1, g2);  // the same arithmetic on the same data
      const Mat fd = richardson([&](double s) { return eval_scalar(net, th, X + s * V, cache).G; });
      const double scale = std::max(1e-300, HV.cwiseAbs().maxCoeff());
      const double err =
          sizes.size() == 2 ? HV.cwiseAbs().maxCoeff() : (fd - HV).cwiseAbs().maxCoeff() / scale;
      // 1e-9 relative (see richardson; measured ≤ 4e-12); exactly 0 for a linear H.
      EXPECT_LE(err, sizes.size() == 2 ? 0.0 : 1e-9);
      // Symmetry of the Hessian: wᵀ(∇²H)v = vᵀ(∇²H)w per sample, to round-off.
      const Eigen::ArrayXd a = (W.array() * HV.array()).colwise().sum(),
                           b = (V.array() * HW.array()).colwise().sum();
      EXPECT_LE((a - b).abs().maxCoeff(), 1e-13 * std::max(1.0, a.abs().maxCoeff()));
      if (sizes.size() > 2) worst = std::max(worst, err);
    }
  }
  RecordProperty("fd_rel_err_hvp", sci(worst));
}

// hvp_after_forward on a cache that holds forward_with_input_grad on X gives bitwise what hvp
// gives (the same arithmetic on the same σ', σ''), also after backward_through_input_grad has
// used the cache (the order of flows/coupling.cpp's backward pass), and it refuses a cache
// without a forward pass.
TEST(MlpScalar, HvpAfterForwardIsHvpWithoutTheForward) {
  Rng rng(17, 0);
  for (const std::vector<int>& sizes :
       std::vector<std::vector<int>>{{3, 1}, {3, 8, 1}, {3, 7, 5, 1}}) {
    const MlpD net(MlpShape{sizes, Activation::tanh, true});
    SCOPED_TRACE(describe(net.shape()));
    const Vec th = random_theta(net, rng);
    const Mat X = normal_matrix(3, 5, rng), V = normal_matrix(3, 5, rng);
    MlpD::Cache a, b;
    Mat HV(3, 5), HV2(3, 5), H(1, 5), G(3, 5);
    net.hvp(th, X, V, HV, a);
    net.forward_with_input_grad(th, X, H, G, b);
    Vec g = Vec::Zero(net.n_params());
    net.backward_through_input_grad(th, b, H, V, g);
    net.hvp_after_forward(th, V, HV2, b);
    EXPECT_EQ(HV, HV2);
    net.hvp_after_forward(th, X, HV2, b);  // again, another V, on the same cache
    net.hvp(th, X, X, HV, a);
    EXPECT_EQ(HV, HV2);
    MlpD::Cache empty;
    EXPECT_THROW(net.hvp_after_forward(th, V, HV2, empty), std::invalid_argument);
  }
}

TEST(MlpScalar, ReluIsRejectedForSecondDerivativePasses) {
  const MlpD net(MlpShape{{2, 5, 1}, Activation::relu});
  Rng rng(17, 0);
  const Vec th = random_theta(net, rng);
  const Mat X = normal_matrix(2, 3, rng);
  MlpD::Cache cache;
  Mat H(1, 3), G(2, 3), HV(2, 3);
  net.forward_with_input_grad(th, X, H, G, cache);  // allowed: G is the a.e. gradient
  Vec g = Vec::Zero(net.n_params());
  try {
    net.backward_through_input_grad(th, cache, Mat::Zero(1, 3), Mat::Ones(2, 3), g);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("relu"), std::string::npos) << msg;
    EXPECT_NE(msg.find("second derivative"), std::string::npos) << msg;
  }
  EXPECT_THROW(net.hvp(th, X, X, HV, cache), ConfigError);
}

TEST(MlpScalar, MisuseIsReported) {
  const MlpD vec_net(MlpShape{{2, 5, 2}, Activation::tanh});
  const MlpD net(MlpShape{{2, 5, 1}, Activation::tanh});
  const Vec th = Vec::Zero(net.n_params());
  MlpD::Cache cache;
  Mat H(1, 3), G(2, 3);
  EXPECT_THROW(
      vec_net.forward_with_input_grad(Vec::Zero(vec_net.n_params()), Mat::Zero(2, 3), H, G, cache),
      std::invalid_argument);  // not a scalar network
  Vec g = Vec::Zero(net.n_params());
  EXPECT_THROW(net.backward_through_input_grad(th, cache, H, G, g),
               std::invalid_argument);  // no forward
  EXPECT_THROW(net.forward_with_input_grad(th, Mat::Zero(3, 3), H, G, cache),
               std::invalid_argument);
  EXPECT_THROW(net.forward_with_input_grad(Vec::Zero(5), Mat::Zero(2, 3), H, G, cache),
               std::invalid_argument);
}

// The cache is sized for a batch and reused; another batch size resizes it and results stay right.
TEST(MlpScalar, CacheFollowsTheBatchSize) {
  const MlpShape shape{{2, 9, 1}, Activation::tanh};
  const MlpD net(shape);
  Rng rng(18, 0);
  const Vec th = random_theta(net, rng);
  const Mat X = normal_matrix(2, 8, rng);
  MlpD::Cache shared, fresh;
  const Eval whole = eval_scalar(net, th, X, shared);
  EXPECT_EQ(shared.batch(), 8);
  const Eval part = eval_scalar(net, th, X.leftCols(3), shared);
  EXPECT_EQ(shared.batch(), 3);
  // Columns are independent; Eigen may sum in another order for another batch size (its small
  // products are coefficient-based, large ones blocked), hence round-off, not bit equality.
  EXPECT_LE((part.G - whole.G.leftCols(3)).cwiseAbs().maxCoeff(),
            1e-14 * whole.G.cwiseAbs().maxCoeff());
  EXPECT_EQ(eval_scalar(net, th, X, shared).G, eval_scalar(net, th, X, fresh).G);
}

// float32 against float64 on the reference network: relative (norm-wise) differences ≤ 1e-5 for
// H, G and dθ: float rounding (6e-8) grows like √(terms) in the width-200 sums, the batch sums and
// the chain of layers, to a few 1e-7 (measured 7e-7, 8e-7, 2e-7).
TEST(MlpScalar, Float32AgreesWithFloat64) {
  const MlpShape shape{{2, 200, 200, 1}, Activation::tanh};
  const MlpD net(shape);
  const MlpF netf(shape);
  Rng rng(19, 0);
  Vec th(net.n_params());
  init_params<double>(shape, "orthogonal", rng, th);
  const long B = 64;
  const Mat X = normal_matrix(2, B, rng), target = normal_matrix(2, B, rng);
  MlpD::Cache cache;
  MlpF::Cache cachef;
  const Eval e = eval_scalar(net, th, X, cache);
  const MlpF::Vec thf = th.cast<float>();
  MlpF::Mat Hf(1, B), Gf(2, B);
  netf.forward_with_input_grad(thf, X.cast<float>(), Hf, Gf, cachef);
  const double eH = (Hf.cast<double>() - e.H).norm() / e.H.norm();
  const double eG = (Gf.cast<double>() - e.G).norm() / e.G.norm();
  EXPECT_LE(eH, 1e-5);
  EXPECT_LE(eG, 1e-5);
  Mat dG;
  hnn_loss(e.G, target, &dG);
  Vec g = Vec::Zero(net.n_params());
  net.backward_through_input_grad(th, cache, Mat::Zero(1, B), dG, g);
  MlpF::Vec gf = MlpF::Vec::Zero(net.n_params());
  netf.backward_through_input_grad(thf, cachef, MlpF::Mat::Zero(1, B), dG.cast<float>(), gf);
  const double eg = (gf.cast<double>() - g).norm() / g.norm();
  EXPECT_LE(eg, 1e-5);
  RecordProperty("f32_rel_err_H", sci(eH));
  RecordProperty("f32_rel_err_G", sci(eG));
  RecordProperty("f32_rel_err_dtheta", sci(eg));
}

// ---------------------------------------------------------------------------------------------
// Initialisation

TEST(Init, OrthogonalWeightsAreOrthonormalOnTheSmallerSide) {
  const MlpShape shape{{2, 200, 200, 1}, Activation::tanh, true};
  const MlpD net(shape);
  Rng rng(20, 0);
  Vec th(net.n_params());
  init_params<double>(shape, "orthogonal", rng, th);
  for (int k = 0; k < net.n_layers(); ++k) {
    const Mat W = net.W(k, th);
    const Mat gram = W.rows() >= W.cols() ? Mat(W.transpose() * W) : Mat(W * W.transpose());
    // 1e-12: Householder QR is orthogonal to a small multiple of n·eps (200 × 1.1e-16 = 2e-14).
    EXPECT_LE((gram - Mat::Identity(gram.rows(), gram.cols())).cwiseAbs().maxCoeff(), 1e-12)
        << "layer " << k;
    EXPECT_TRUE(net.b(k, th).isZero(0.0)) << "biases start at zero";
  }
  // Same seed, same θ; another seed, another θ.
  Vec again(net.n_params()), other(net.n_params());
  Rng same(20, 0), diff(21, 0);
  init_params<double>(shape, "orthogonal", same, again);
  init_params<double>(shape, "orthogonal", diff, other);
  EXPECT_EQ(again, th);
  EXPECT_NE(other, th);
}

// torch's sign fix, Q ← Q·sign(diag R): R = QᵀA must be upper triangular with a positive diagonal,
// for the Gaussian matrix A that was factorised (m × k, m ≥ k; Q = W, or Wᵀ for a wide W).
TEST(Init, OrthogonalHasTorchsSignConvention) {
  for (auto [rows, cols] : {std::pair{7, 3}, std::pair{3, 7}}) {
    Rng rng(22, 0), replay(22, 0);
    const Mat W = orthogonal_matrix(rows, cols, rng);
    const int m = std::max(rows, cols), k = std::min(rows, cols);
    const Mat A = normal_matrix(m, k, replay);  // the same draws, same order
    const Mat Q = rows >= cols ? W : Mat(W.transpose());
    const Mat R = Q.transpose() * A;  // k × k
    for (int i = 0; i < k; ++i) {
      EXPECT_GT(R(i, i), 0);
      for (int j = 0; j < i; ++j) EXPECT_LE(std::abs(R(i, j)), 1e-13);  // round-off of QᵀA
    }
  }
}

// Glorot: sample variance within 5 standard errors of 2/(fan_in + fan_out); the standard error of
// the mean of w² over N entries is √(Var w²/N): √(2/N)·σ² (normal), √(4/45 / N)·a² (uniform).
TEST(Init, GlorotVarianceWithinSamplingError) {
  const MlpShape shape{{300, 200, 1}, Activation::tanh};
  const MlpD net(shape);
  for (const std::string scheme : {"glorot_uniform", "glorot_normal"}) {
    Rng rng(23, 0);
    Vec th(net.n_params());
    init_params<double>(shape, scheme, rng, th);
    const Mat W = net.W(0, th);
    const double N = static_cast<double>(W.size());
    const double var = 2.0 / (300 + 200);
    const double mean_sq = W.squaredNorm() / N;
    const double a2 = 3 * var;  // a² for the uniform, a = √(6/(in+out))
    const double se =
        scheme == "glorot_normal" ? std::sqrt(2.0 / N) * var : std::sqrt(4.0 / 45 / N) * a2;
    EXPECT_LE(std::abs(mean_sq - var), 5 * se) << scheme;
    EXPECT_LE(std::abs(W.mean()), 5 * std::sqrt(var / N)) << scheme;
    if (scheme == "glorot_uniform") {
      EXPECT_LE(W.cwiseAbs().maxCoeff(), std::sqrt(a2));
    }
  }
  Rng rng(24, 0);
  Vec th(net.n_params());
  try {
    init_params<double>(shape, "kaiming", rng, th);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("orthogonal, glorot_uniform, glorot_normal"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace hnn
