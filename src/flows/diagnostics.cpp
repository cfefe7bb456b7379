#include "flows/diagnostics.hpp"

#include <cmath>

#include "flows/action_loss.hpp"

namespace hnn {

std::vector<PlaneFit> fit_action_angles(const Flow& flow, ConstVecRef theta, ConstMatRef x,
                                        ConstVecRef t) {
  const long n = flow.n(), tau = x.cols();
  auto cache = flow.make_cache();
  Mat z(flow.dim(), tau);
  flow.inverse(theta, x, z, cache, FlowMode::eval);
  const Mat r = plane_radii(z);
  const double tm = t.mean();
  const double stt = (t.array() - tm).square().sum();
  std::vector<PlaneFit> out(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) {
    PlaneFit& f = out[static_cast<std::size_t>(i)];
    f.r_mean = r.row(i).mean();
    f.r_rel_std = std::sqrt((r.row(i).array() - f.r_mean).square().mean()) / f.r_mean;
    Eigen::VectorXd phi(tau);
    for (long k = 0; k < tau; ++k) {
      phi[k] = std::atan2(z(n + i, k), z(i, k));
      if (k > 0) phi[k] += 2 * M_PI * std::round((phi[k - 1] - phi[k]) / (2 * M_PI));
    }
    const double pm = phi.mean();
    const double slope = ((t.array() - tm) * (phi.array() - pm)).sum() / stt;
    f.omega = -slope;
    f.angle_residual =
        (phi.array() - pm - slope * (t.array() - tm)).abs().maxCoeff() / (2 * M_PI);
  }
  return out;
}

double symplectic_error(const Flow& flow, ConstVecRef theta, ConstMatRef x) {
  const long d = flow.dim(), B = x.cols(), n = flow.n();
  auto cache = flow.make_cache();
  Mat z(d, B), gz(d, B), gx(d, B);
  Vec dtheta = Vec::Zero(flow.n_params());
  std::vector<Mat> J(static_cast<std::size_t>(B), Mat(d, d));
  for (long k = 0; k < d; ++k) {  // row k of J at every column: the VJP of e_k
    flow.inverse(theta, x, z, cache, FlowMode::eval);
    gz.setZero();
    gz.row(k).setOnes();
    flow.inverse_backward(theta, cache, gz, gx, dtheta);
    for (long b = 0; b < B; ++b) J[static_cast<std::size_t>(b)].row(k) = gx.col(b).transpose();
  }
  Mat W = Mat::Zero(d, d);
  W.topRightCorner(n, n).setIdentity();
  W.bottomLeftCorner(n, n) = -Mat::Identity(n, n);
  double worst = 0;
  for (const auto& j : J)
    worst = std::max(worst, (j.transpose() * W * j - W).cwiseAbs().maxCoeff());
  return worst;
}

}  // namespace hnn
