#include "flows/density.hpp"

#include <cmath>
#include <numbers>

namespace hnn {

double harmonic_log_density(ConstVecRef s, double beta, ConstMatRef z, Mat* gz, Vec* gs) {
  const long n = s.size(), b = z.cols();
  double sum = 0;
  if (gz) gz->resize(2 * n, b);
  for (long k = 0; k < n; ++k) {
    const double w = std::exp(s(k));
    const double norm = std::log(beta * w / (2 * std::numbers::pi));
    const double q2 = z.row(k).squaredNorm(), p2 = z.row(n + k).squaredNorm();
    sum += static_cast<double>(b) * norm - 0.5 * beta * (p2 + w * w * q2);
    if (gz) {
      gz->row(k) = -beta * w * w * z.row(k);
      gz->row(n + k) = -beta * z.row(n + k);
    }
    if (gs) (*gs)(k) += static_cast<double>(b) - beta * w * w * q2;
  }
  return sum;
}

DensityWorkspace make_density_workspace(const Flow& flow) {
  DensityWorkspace ws;
  ws.cache = flow.make_cache();
  return ws;
}

double density_nll(const Flow& flow, ConstVecRef theta, double beta, ConstMatRef x,
                   DensityWorkspace& ws, Vec* grad) {
  const long np = flow.n_params(), n = flow.n();
  const auto tf = theta.head(np);
  const auto s = theta.segment(np, n);
  ws.z.resize(flow.dim(), x.cols());
  flow.inverse(tf, x, ws.z, ws.cache, FlowMode::eval);
  if (!grad) return -harmonic_log_density(s, beta, ws.z, nullptr, nullptr);
  ws.g.setZero(np + n);
  Vec gs = Vec::Zero(n);
  const double l = -harmonic_log_density(s, beta, ws.z, &ws.gz, &gs);
  ws.gz = -ws.gz;
  ws.gx.resize(flow.dim(), x.cols());
  flow.inverse_backward(tf, ws.cache, ws.gz, ws.gx, ws.g.head(np));
  ws.g.tail(n) = -gs;
  *grad += ws.g;
  return l;
}

double density_free_energy(const Flow& flow, ConstVecRef theta, double beta,
                           const Hamiltonian& h, ConstMatRef eps, DensityWorkspace& ws,
                           Vec* grad) {
  const long np = flow.n_params(), n = flow.n(), b = eps.cols();
  const auto tf = theta.head(np);
  const auto s = theta.segment(np, n);
  ws.z.resize(2 * n, b);
  const double rb = 1.0 / std::sqrt(beta);
  for (long k = 0; k < n; ++k) {
    ws.z.row(k) = rb * std::exp(-s(k)) * eps.row(k);
    ws.z.row(n + k) = rb * eps.row(n + k);
  }
  ws.x.resize(2 * n, b);
  flow.forward(tf, ws.z, ws.x, ws.cache, FlowMode::eval);
  double sum = harmonic_log_density(s, beta, ws.z, nullptr, nullptr);
  if (grad) ws.gx.resize(2 * n, b);
  Vec gh(2 * n);
  for (long j = 0; j < b; ++j) {
    sum += beta * h.energy(ws.x.col(j));
    if (grad) {
      h.gradient(ws.x.col(j), gh);
      ws.gx.col(j) = beta * gh;
    }
  }
  if (!grad) return sum;
  // d/dθ_flow of β H(T(z)); through Q_k = ε e^{−s_k}/√β, d/ds_k of ln q(z(s); s) is exactly 1
  // per sample (ln q = Σ ln(βω/2π) − |ε|²/2), and of β H(T(z)) it is (∂/∂Q_k)·(−Q_k).
  ws.g.setZero(np + n);
  ws.gz.resize(2 * n, b);
  flow.forward_backward(tf, ws.cache, ws.gx, ws.gz, ws.g.head(np));
  for (long k = 0; k < n; ++k)
    ws.g(np + k) = static_cast<double>(b) - ws.gz.row(k).dot(ws.z.row(k));
  *grad += ws.g;
  return sum;
}

double harmonic_minus_log_z(ConstVecRef omega, double beta) {
  double s = 0;
  for (long k = 0; k < omega.size(); ++k) s += std::log(beta * omega(k) / (2 * std::numbers::pi));
  return s;
}

}  // namespace hnn
