#include "flows/action_loss.hpp"

#include <stdexcept>
#include <string>

namespace hnn {

namespace {

// 1/(nτ) Σ_k ‖v_k − v_{k+1}‖² over the columns of V (n × τ, cyclic); if GV is not null, sets it
// to the gradient 2/(nτ) (d_k − d_{k−1}), d_k = v_k − v_{k+1}.
double cyclic_fluctuation(const Mat& v, Mat* gv) {
  const long n = v.rows(), tau = v.cols();
  const double norm = 1.0 / (static_cast<double>(n) * static_cast<double>(tau));
  Mat d(n, tau);
  for (long k = 0; k < tau; ++k) d.col(k) = v.col(k) - v.col((k + 1) % tau);
  if (gv) {
    gv->resize(n, tau);
    for (long k = 0; k < tau; ++k) gv->col(k) = 2 * norm * (d.col(k) - d.col((k + tau - 1) % tau));
  }
  return norm * d.squaredNorm();
}

// ℓ_rel of V (n × τ): the fluctuation of each row in units of its mean (action_loss.hpp); GV
// as in cyclic_fluctuation.
double relative_fluctuation(const Mat& v, Mat* gv) {
  const long tau = v.cols();
  const Vec mean = v.rowwise().mean();
  Vec inv(mean.size());
  for (long i = 0; i < mean.size(); ++i) inv[i] = mean[i] > 0 ? 1.0 / mean[i] : 0.0;
  const Mat u = inv.asDiagonal() * v;
  const double l = cyclic_fluctuation(u, gv);
  if (gv) {  // Σ_k g_ik u_ik = 2 ℓ_i (the cyclic sum telescopes)
    const Vec gu = gv->cwiseProduct(u).rowwise().sum() / static_cast<double>(tau);
    *gv = inv.asDiagonal() * (*gv - gu.replicate(1, tau));
  }
  return l;
}

}  // namespace

Mat plane_radii(ConstMatRef z) {
  const long n = z.rows() / 2;
  return z.topRows(n).array().square() + z.bottomRows(n).array().square();
}

double action_loss(ConstMatRef z, Mat* grad, bool relative) {
  const long n = z.rows() / 2;
  Mat gr;
  const double l = relative ? relative_fluctuation(plane_radii(z), grad ? &gr : nullptr)
                            : cyclic_fluctuation(plane_radii(z), grad ? &gr : nullptr);
  if (grad) {  // ∂r/∂q̂ = 2 q̂, ∂r/∂p̂ = 2 p̂
    grad->resize(z.rows(), z.cols());
    grad->topRows(n) = 2 * gr.array() * z.topRows(n).array();
    grad->bottomRows(n) = 2 * gr.array() * z.bottomRows(n).array();
  }
  return l;
}

double still_plane_loss(ConstMatRef z, const std::vector<int>& planes, Mat* grad) {
  const long n = z.rows() / 2, s = static_cast<long>(planes.size());
  for (int i : planes)
    if (i < 0 || i >= n)
      throw std::out_of_range("still_plane_loss: plane " + std::to_string(i) + " of " +
                              std::to_string(n));
  Mat v(2 * s, z.cols());  // the planes' rows: q̂_i then p̂_i
  for (long j = 0; j < s; ++j) {
    v.row(2 * j) = z.row(planes[static_cast<std::size_t>(j)]);
    v.row(2 * j + 1) = z.row(n + planes[static_cast<std::size_t>(j)]);
  }
  Mat gv;
  // cyclic_fluctuation divides by the 2|S| rows of V; ℓ_s by the n planes.
  const double scale = static_cast<double>(2 * s) / static_cast<double>(n);
  const double l = s > 0 ? scale * cyclic_fluctuation(v, grad ? &gv : nullptr) : 0.0;
  if (grad) {
    grad->setZero(z.rows(), z.cols());
    for (long j = 0; j < s; ++j) {
      grad->row(planes[static_cast<std::size_t>(j)]) += scale * gv.row(2 * j);
      grad->row(n + planes[static_cast<std::size_t>(j)]) += scale * gv.row(2 * j + 1);
    }
  }
  return l;
}

Mat plane_rates(ConstMatRef z, ConstMatRef z_lag, double delta) {
  const long n = z.rows() / 2;
  return (z.bottomRows(n).array() * z_lag.topRows(n).array() -
          z.topRows(n).array() * z_lag.bottomRows(n).array()) /
         delta;
}

double angle_rate_loss(ConstMatRef z, ConstMatRef z_lag, double delta, Mat* grad, Mat* grad_lag) {
  const long n = z.rows() / 2;
  const bool want = grad && grad_lag;
  Mat gc;
  const double l = cyclic_fluctuation(plane_rates(z, z_lag, delta), want ? &gc : nullptr);
  if (want) {  // δ·c = p̂ q̂' − q̂ p̂'
    gc /= delta;
    grad->resize(z.rows(), z.cols());
    grad_lag->resize(z.rows(), z.cols());
    grad->topRows(n) = -gc.array() * z_lag.bottomRows(n).array();
    grad->bottomRows(n) = gc.array() * z_lag.topRows(n).array();
    grad_lag->topRows(n) = gc.array() * z.bottomRows(n).array();
    grad_lag->bottomRows(n) = -gc.array() * z.topRows(n).array();
  }
  return l;
}

}  // namespace hnn
