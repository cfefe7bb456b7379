#include "flows/linear_symplectic.hpp"

#include <cmath>
#include <complex>
#include <vector>

#include "core/error.hpp"

namespace hnn {

namespace {

using Cplx = std::complex<double>;
using MatC = Eigen::MatrixXcd;
using VecC = Eigen::VectorXcd;

// Z[k] is the state before stage k in latent -> physical order (Z[0] = x, Z[r+3] = y), filled by
// either pass.
struct LinearCache : LayerCache {
  std::vector<Mat> Z;
};

MatC to_complex(const Mat& z, int n) {
  return z.topRows(n).cast<Cplx>() + Cplx(0, 1) * z.bottomRows(n).cast<Cplx>();
}
void from_complex(const MatC& zc, int n, Mat& z) {
  z.topRows(n) = zc.real();
  z.bottomRows(n) = zc.imag();
}

}  // namespace

LinearSymplecticLayer::LinearSymplecticLayer(int n, int reflections, Shear shear)
    : FlowLayer(n), r_(reflections), shear_(shear) {
  if (n < 1) throw ConfigError("linear layer: n must be >= 1");
  if (reflections < 0) throw ConfigError("linear layer: reflections must be >= 0");
}

long LinearSymplecticLayer::n_params() const { return off_M() + n_M(); }

void LinearSymplecticLayer::init_params(Rng& rng, VecRef theta) const {
  for (int i = 0; i < n_; ++i) theta[off_phi() + i] = rng.normal();
  const double s = std::sqrt(1.0 / n_);
  for (int k = 0; k < r_; ++k)
    for (int i = 0; i < 2 * n_; ++i) theta[off_a(k) + i] = s * rng.normal();
  theta.segment(off_L(), n_).setOnes();
  theta.segment(off_M(), n_M()).setZero();
}

std::unique_ptr<LayerCache> LinearSymplecticLayer::make_cache() const {
  return std::make_unique<LinearCache>();
}

Mat LinearSymplecticLayer::shear_matrix(ConstVecRef theta) const {
  const auto m = theta.segment(off_M(), n_M());
  if (shear_ == Shear::diagonal) return m.asDiagonal();
  Mat M(n_, n_);
  long idx = 0;
  for (int j = 0; j < n_; ++j)
    for (int i = 0; i <= j; ++i) M(i, j) = M(j, i) = m[idx++];
  return M;
}

void LinearSymplecticLayer::stage(ConstVecRef theta, int k, int sign, MatRef z) const {
  const int n = n_;
  if (k == 0) {  // rotation by sign·φ in every plane
    const Eigen::ArrayXd phi = sign * theta.segment(off_phi(), n).array();
    const Eigen::ArrayXd c = phi.cos(), s = phi.sin();
    const Mat q = z.topRows(n), p = z.bottomRows(n);
    z.topRows(n) = (q.array().colwise() * c - p.array().colwise() * s).matrix();
    z.bottomRows(n) = (q.array().colwise() * s + p.array().colwise() * c).matrix();
  } else if (k <= r_) {  // reflection: z <- z − c v (v†z); its own inverse
    const VecC v = theta.segment(off_a(k - 1), n).cast<Cplx>() +
                   Cplx(0, 1) * theta.segment(off_b(k - 1), n).cast<Cplx>();
    const double cc = 2.0 / v.squaredNorm();
    MatC zc = to_complex(z, n);
    const Eigen::RowVectorXcd s = v.adjoint() * zc;
    zc -= cc * v * s;
    Mat zr(2 * n, z.cols());
    from_complex(zc, n, zr);
    z = zr;
  } else if (k == r_ + 1) {  // q <- L q, p <- p / L (inverse: the reciprocal)
    Eigen::ArrayXd L = theta.segment(off_L(), n).array();
    if (sign < 0) L = L.inverse();
    z.topRows(n).array().colwise() *= L;
    z.bottomRows(n).array().colwise() /= L;
  } else {  // p <- p ± M q
    const Mat M = shear_matrix(theta);
    z.bottomRows(n) += sign * (M * z.topRows(n));
  }
}

void LinearSymplecticLayer::stage_backward(ConstVecRef theta, int k, int sign, const Mat& zin,
                                           const Mat& zout, Mat& g, VecRef dtheta) const {
  const int n = n_;
  if (k == 0) {
    // Rotation R(ψ), ψ = sign·φ: g_in = R(−ψ) g_out; ∂z_out/∂ψ = (−p_out, q_out), so
    // ∂L/∂φ_i = sign Σ_b (−p_out g_q + q_out g_p).
    const Eigen::ArrayXd psi = sign * theta.segment(off_phi(), n).array();
    const Eigen::ArrayXd c = psi.cos(), s = psi.sin();
    const Mat gq = g.topRows(n), gp = g.bottomRows(n);
    dtheta.segment(off_phi(), n) +=
        sign * ((zout.topRows(n).array() * gp.array() - zout.bottomRows(n).array() * gq.array())
                    .rowwise()
                    .sum()
                    .matrix());
    g.topRows(n) = (gq.array().colwise() * c + gp.array().colwise() * s).matrix();
    g.bottomRows(n) = (gp.array().colwise() * c - gq.array().colwise() * s).matrix();
  } else if (k <= r_) {
    // z' = z − c v s, s = v†z (the same in both directions). The real form of a Hermitian unitary
    // map is symmetric: g_in = R g_out. With g' = g_q + i g_p and w = v†g', the real differential
    // dL = Re Σ_i G_i dv_i has G = c² Σ_b Re(w̄ s) v̄ − c ḡ' sᵀ − c z̄ wᵀ, so ∂L/∂a = Re G and
    // ∂L/∂b = −Im G.
    const VecC v = theta.segment(off_a(k - 1), n).cast<Cplx>() +
                   Cplx(0, 1) * theta.segment(off_b(k - 1), n).cast<Cplx>();
    const double cc = 2.0 / v.squaredNorm();
    const MatC zc = to_complex(zin, n), gc = to_complex(g, n);
    const Eigen::RowVectorXcd s = v.adjoint() * zc, w = v.adjoint() * gc;
    const double ws = (w.conjugate().array() * s.array()).real().sum();
    const VecC G = cc * cc * ws * v.conjugate() - cc * gc.conjugate() * s.transpose() -
                   cc * zc.conjugate() * w.transpose();
    dtheta.segment(off_a(k - 1), n) += G.real();
    dtheta.segment(off_b(k - 1), n) -= G.imag();
    const MatC gin = gc - cc * v * w;
    from_complex(gin, n, g);
  } else if (k == r_ + 1) {
    // Forward q' = L q, p' = p/L: g_q <- L g_q', g_p <- g_p'/L, ∂L = Σ (q g_q' − p' g_p'/L).
    // Inverse q = q'/L, p = L p': g_q' <- g_q/L, g_p' <- L g_p, ∂L = Σ (−q g_q/L + p' g_p).
    const Eigen::ArrayXd L = theta.segment(off_L(), n).array();
    const auto gq = g.topRows(n).array(), gp = g.bottomRows(n).array();
    if (sign > 0) {
      dtheta.segment(off_L(), n) +=
          ((zin.topRows(n).array() * gq).rowwise().sum() -
           (zout.bottomRows(n).array() * gp).rowwise().sum() / L)
              .matrix();
      g.topRows(n).array().colwise() *= L;
      g.bottomRows(n).array().colwise() /= L;
    } else {
      dtheta.segment(off_L(), n) +=
          ((zin.bottomRows(n).array() * gp).rowwise().sum() -
           (zout.topRows(n).array() * gq).rowwise().sum() / L)
              .matrix();
      g.topRows(n).array().colwise() /= L;
      g.bottomRows(n).array().colwise() *= L;
    }
  } else {
    // p_out = p_in + sign M q_in, q_out = q_in: g_q_in = g_q + sign M g_p (M symmetric),
    // ∂L/∂M = sign Σ_b g_p q_inᵀ, folded onto the packed entries.
    const Mat M = shear_matrix(theta);
    const auto gp = g.bottomRows(n);
    auto dm = dtheta.segment(off_M(), n_M());
    if (shear_ == Shear::diagonal) {
      dm += sign * (gp.array() * zin.topRows(n).array()).rowwise().sum().matrix();
    } else {
      const Mat G = gp * zin.topRows(n).transpose();
      long idx = 0;
      for (int j = 0; j < n; ++j)
        for (int i = 0; i <= j; ++i) dm[idx++] += sign * (i == j ? G(i, i) : G(i, j) + G(j, i));
    }
    g.topRows(n) += sign * (M * gp);
  }
}

void LinearSymplecticLayer::forward(ConstVecRef theta, ConstMatRef x, MatRef y, LayerCache& lc,
                                    FlowMode) const {
  auto& c = static_cast<LinearCache&>(lc);
  c.Z.resize(r_ + 4);
  c.Z[0] = x;
  for (int k = 0; k <= r_ + 2; ++k) {
    c.Z[k + 1] = c.Z[k];
    stage(theta, k, +1, c.Z[k + 1]);
  }
  y = c.Z[r_ + 3];
}

void LinearSymplecticLayer::inverse(ConstVecRef theta, ConstMatRef y, MatRef x, LayerCache& lc,
                                    FlowMode) const {
  auto& c = static_cast<LinearCache&>(lc);
  c.Z.resize(r_ + 4);
  c.Z[r_ + 3] = y;
  for (int k = r_ + 2; k >= 0; --k) {
    c.Z[k] = c.Z[k + 1];
    stage(theta, k, -1, c.Z[k]);
  }
  x = c.Z[0];
}

void LinearSymplecticLayer::forward_backward(ConstVecRef theta, LayerCache& lc, ConstMatRef gy,
                                             MatRef gx, VecRef dtheta) const {
  auto& c = static_cast<LinearCache&>(lc);
  Mat g = gy;
  for (int k = r_ + 2; k >= 0; --k) stage_backward(theta, k, +1, c.Z[k], c.Z[k + 1], g, dtheta);
  gx = g;
}

void LinearSymplecticLayer::inverse_backward(ConstVecRef theta, LayerCache& lc, ConstMatRef gx,
                                             MatRef gy, VecRef dtheta) const {
  auto& c = static_cast<LinearCache&>(lc);
  Mat g = gx;
  for (int k = 0; k <= r_ + 2; ++k) stage_backward(theta, k, -1, c.Z[k + 1], c.Z[k], g, dtheta);
  gy = g;
}

Mat LinearSymplecticLayer::matrix(ConstVecRef theta) const {
  Mat z = Mat::Identity(2 * n_, 2 * n_);
  for (int k = 0; k <= r_ + 2; ++k) stage(theta, k, +1, z);
  return z;
}

}  // namespace hnn
