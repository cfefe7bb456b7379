// The HGN's leapfrog through a learned H (src/models/latent_leapfrog.*): one step on an analytic
// non-separable H against the formula with ∂H/∂p (and not the "q' = q + ε p" variant of a public
// re-implementation), the backpropagated gradients of a rollout loss in the initial state and in
// θ against central differences (analytic H and a softplus MLP), and second-order convergence to
// the exact flow of a separable H.
#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.hpp"
#include "models/latent_leapfrog.hpp"
#include "nn/init.hpp"

namespace hnn {
namespace {

// H = Σ_i ½(1 + q_i²) p_i² + ½ q_i² (non-separable): ∂H/∂q = q p² + q, ∂H/∂p = (1 + q²) p,
// ∇²H = [[p² + 1, 2qp], [2qp, 1 + q²]] per degree of freedom.
class NonSeparable final : public DiffHamiltonian {
 public:
  explicit NonSeparable(int n) : n_(n) {}
  int dim() const override { return 2 * n_; }
  void grad(const Mat& x, Mat& g) override {
    const auto q = x.topRows(n_).array(), p = x.bottomRows(n_).array();
    g.resize(x.rows(), x.cols());
    g.topRows(n_) = q * p.square() + q;
    g.bottomRows(n_) = (1 + q.square()) * p;
  }
  void grad_backward(const Mat& x, const Mat& v, Mat& dx, double*) override {
    const auto q = x.topRows(n_).array(), p = x.bottomRows(n_).array();
    const auto vq = v.topRows(n_).array(), vp = v.bottomRows(n_).array();
    dx.topRows(n_).array() += (p.square() + 1) * vq + 2 * q * p * vp;
    dx.bottomRows(n_).array() += 2 * q * p * vq + (1 + q.square()) * vp;
  }

 private:
  int n_;
};

// H = ½(q² + p²): the exact flow is a rotation.
class Harmonic final : public DiffHamiltonian {
 public:
  int dim() const override { return 2; }
  void grad(const Mat& x, Mat& g) override { g = x; }
  void grad_backward(const Mat&, const Mat& v, Mat& dx, double*) override { dx += v; }
};

TEST(LatentLeapfrog, OneStepOfANonSeparableHUsesDHdp) {
  NonSeparable h(1);
  Mat x0(2, 1);
  x0 << 0.8, 0.5;
  const double e = 0.1, q = 0.8, p = 0.5;
  LeapfrogTape tape;
  leapfrog_rollout(h, x0, e, 1, tape);
  const double ph = p - 0.5 * e * (q * p * p + q);
  const double q1 = q + e * (1 + q * q) * ph;
  const double p1 = ph - 0.5 * e * (q1 * ph * ph + q1);
  EXPECT_NEAR(tape.x[1](0, 0), q1, 1e-15);
  EXPECT_NEAR(tape.x[1](1, 0), p1, 1e-15);
  // The variant q' = q + ε p½ misses the factor (1 + q²): here by ε q² p½ ≈ 0.028.
  const double q1_wrong = q + e * ph;
  EXPECT_GT(std::abs(tape.x[1](0, 0) - q1_wrong), 0.02);
}

// L = Σ_t ⟨C_t, x_t⟩ over a rollout of T steps; returns L and fills the tape.
double rollout_loss(DiffHamiltonian& h, const Mat& x0, double dt, int T, const std::vector<Mat>& C) {
  LeapfrogTape tape;
  leapfrog_rollout(h, x0, dt, T, tape);
  double L = 0;
  for (int t = 0; t <= T; ++t) L += (C[t].array() * tape.x[t].array()).sum();
  return L;
}

std::vector<Mat> random_weights(int T, long d, long B, Rng& rng) {
  std::vector<Mat> C(T + 1, Mat(d, B));
  for (auto& c : C)
    for (long i = 0; i < c.size(); ++i) c.data()[i] = rng.normal();
  return C;
}

TEST(LatentLeapfrog, InitialStateGradientMatchesCentralDifferences) {
  NonSeparable h(2);
  Rng rng(5, 0);
  const int T = 6;
  const double dt = 0.2;
  Mat x0(4, 3);
  for (long i = 0; i < x0.size(); ++i) x0.data()[i] = 0.7 * rng.normal();
  const auto C = random_weights(T, 4, 3, rng);
  LeapfrogTape tape;
  leapfrog_rollout(h, x0, dt, T, tape);
  std::vector<Mat> dx = C;
  leapfrog_rollout_backward(h, dt, tape, dx, nullptr);
  const double eps = 1e-5;
  double err = 0, scale = 0;
  for (long j = 0; j < x0.size(); ++j) {
    Mat p = x0, m = x0;
    p.data()[j] += eps;
    m.data()[j] -= eps;
    const double fd = (rollout_loss(h, p, dt, T, C) - rollout_loss(h, m, dt, T, C)) / (2 * eps);
    err = std::max(err, std::abs(fd - dx[0].data()[j]));
    scale = std::max(scale, std::abs(fd));
  }
  EXPECT_LT(err / scale, 1e-8);  // FD truncation ~ h²·L''' ~ 1e-10 relative
}

TEST(LatentLeapfrog, ParameterAndStateGradientsOfAnMlpHMatchCentralDifferences) {
  const MlpD mlp(MlpShape{{4, 12, 12, 1}, Activation::softplus});
  Rng rng(6, 0);
  Vec theta(mlp.n_params());
  init_params<double>(mlp.shape(), "orthogonal", rng, theta);
  const int T = 5;
  const double dt = 0.25;
  Mat x0(4, 2);
  for (long i = 0; i < x0.size(); ++i) x0.data()[i] = rng.normal();
  const auto C = random_weights(T, 4, 2, rng);
  auto L = [&](const Vec& th, const Mat& x) {
    MlpHamiltonian h(mlp, th);
    return rollout_loss(h, x, dt, T, C);
  };
  MlpHamiltonian h(mlp, theta);
  LeapfrogTape tape;
  leapfrog_rollout(h, x0, dt, T, tape);
  std::vector<Mat> dx = C;
  Vec g = Vec::Zero(theta.size());
  leapfrog_rollout_backward(h, dt, tape, dx, g.data());
  const double eps = 1e-5;
  double err = 0, scale = 0;
  for (long j = 0; j < theta.size(); ++j) {
    Vec p = theta, m = theta;
    p[j] += eps;
    m[j] -= eps;
    const double fd = (L(p, x0) - L(m, x0)) / (2 * eps);
    err = std::max(err, std::abs(fd - g[j]));
    scale = std::max(scale, std::abs(fd));
  }
  for (long j = 0; j < x0.size(); ++j) {
    Mat p = x0, m = x0;
    p.data()[j] += eps;
    m.data()[j] -= eps;
    const double fd = (L(theta, p) - L(theta, m)) / (2 * eps);
    err = std::max(err, std::abs(fd - dx[0].data()[j]));
    scale = std::max(scale, std::abs(fd));
  }
  EXPECT_GT(scale, 1e-2);  // the check is not vacuous
  EXPECT_LT(err / scale, 1e-7);
}

TEST(LatentLeapfrog, ConvergesAtOrderTwoToTheExactFlowOfASeparableH) {
  Harmonic h;
  Mat x0(2, 1);
  x0 << 0.6, -0.3;
  const double T = 2.0;
  double prev = 0;
  for (int k = 0; k < 4; ++k) {
    const int steps = 10 << k;
    LeapfrogTape tape;
    leapfrog_rollout(h, x0, T / steps, steps, tape);
    const double q = x0(0, 0) * std::cos(T) + x0(1, 0) * std::sin(T);
    const double p = -x0(0, 0) * std::sin(T) + x0(1, 0) * std::cos(T);
    const double err = std::hypot(tape.x.back()(0, 0) - q, tape.x.back()(1, 0) - p);
    if (k > 0) {
      const double ratio = prev / err;  // 4 for order 2
      EXPECT_GT(ratio, 3.8) << steps << " steps";
      EXPECT_LT(ratio, 4.2) << steps << " steps";
    }
    prev = err;
  }
}

}  // namespace
}  // namespace hnn
