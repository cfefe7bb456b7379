#include "flows/action_loss.hpp"

namespace hnn {

Mat plane_radii(ConstMatRef z) {
  const long n = z.rows() / 2;
  return z.topRows(n).array().square() + z.bottomRows(n).array().square();
}

double action_loss(ConstMatRef z, Mat* grad) {
  const long n = z.rows() / 2, tau = z.cols();
  const Mat r = plane_radii(z);
  const double norm = 1.0 / (static_cast<double>(n) * static_cast<double>(tau));
  Mat d(n, tau);  // d_k = r_k − r_{k+1}
  for (long k = 0; k < tau; ++k) d.col(k) = r.col(k) - r.col((k + 1) % tau);
  if (grad) {
    // ∂ℓ/∂r_k = 2 norm (d_k − d_{k−1}).
    Mat gr(n, tau);
    for (long k = 0; k < tau; ++k) gr.col(k) = 2 * norm * (d.col(k) - d.col((k + tau - 1) % tau));
    grad->resize(z.rows(), tau);
    grad->topRows(n) = 2 * gr.array() * z.topRows(n).array();
    grad->bottomRows(n) = 2 * gr.array() * z.bottomRows(n).array();
  }
  return norm * d.squaredNorm();
}

}  // namespace hnn
