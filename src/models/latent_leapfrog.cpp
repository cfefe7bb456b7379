#include "models/latent_leapfrog.hpp"

#include <string>

#include "core/error.hpp"

namespace hnn {

MlpHamiltonian::MlpHamiltonian(const Mlp<double>& mlp, ConstVecRef theta)
    : mlp_(mlp), theta_(theta) {
  if (mlp.n_out() != 1 || mlp.n_in() % 2 != 0)
    throw ConfigError("latent leapfrog: H must map 2n inputs to 1 output, not " +
                      std::to_string(mlp.n_in()) + " to " + std::to_string(mlp.n_out()));
}

void MlpHamiltonian::grad(const Mat& x, Mat& g) {
  h_.resize(1, x.cols());
  g.resize(x.rows(), x.cols());
  mlp_.forward_with_input_grad(theta_, x, h_, g, cache_);
}

void MlpHamiltonian::grad_backward(const Mat& x, const Mat& v, Mat& dx, double* dtheta) {
  hv_.resize(x.rows(), x.cols());
  mlp_.hvp(theta_, x, v, hv_, cache_);  // leaves the cache of forward_with_input_grad on x
  dx += hv_;
  if (!dtheta) return;
  dh_.setZero(1, x.cols());
  Eigen::Map<Vec> dt(dtheta, mlp_.n_params());
  mlp_.backward_through_input_grad(theta_, cache_, dh_, v, dt);
}

void leapfrog_rollout(DiffHamiltonian& h, const Mat& x0, double dt, int steps,
                      LeapfrogTape& tape) {
  const long n = h.dim() / 2, B = x0.cols();
  if (x0.rows() != h.dim())
    throw ConfigError("latent leapfrog: states have " + std::to_string(x0.rows()) +
                      " rows, H takes " + std::to_string(h.dim()));
  tape.x.resize(static_cast<std::size_t>(steps) + 1);
  tape.ph.resize(static_cast<std::size_t>(steps));
  tape.x[0] = x0;
  Mat g, y(2 * n, B);
  for (int t = 0; t < steps; ++t) {
    const Mat& x = tape.x[static_cast<std::size_t>(t)];
    Mat& ph = tape.ph[static_cast<std::size_t>(t)];
    Mat& xn = tape.x[static_cast<std::size_t>(t) + 1];
    h.grad(x, g);
    ph = x.bottomRows(n) - 0.5 * dt * g.topRows(n);  // p½ = p − (ε/2) ∂H/∂q(q, p)
    y.topRows(n) = x.topRows(n);
    y.bottomRows(n) = ph;
    h.grad(y, g);
    xn.resize(2 * n, B);
    xn.topRows(n) = x.topRows(n) + dt * g.bottomRows(n);  // q' = q + ε ∂H/∂p(q, p½)
    y.topRows(n) = xn.topRows(n);
    h.grad(y, g);
    xn.bottomRows(n) = ph - 0.5 * dt * g.topRows(n);  // p' = p½ − (ε/2) ∂H/∂q(q', p½)
  }
}

void leapfrog_rollout_backward(DiffHamiltonian& h, double dt, const LeapfrogTape& tape,
                               std::vector<Mat>& dx, double* dtheta) {
  const int T = tape.steps();
  const long n = h.dim() / 2;
  if (static_cast<int>(dx.size()) != T + 1)
    throw ConfigError("latent leapfrog: " + std::to_string(dx.size()) + " state adjoints for " +
                      std::to_string(T + 1) + " states");
  const long B = tape.x[0].cols();
  Mat y(2 * n, B), v(2 * n, B), a(2 * n, B);
  for (int t = T - 1; t >= 0; --t) {
    const Mat& x = tape.x[static_cast<std::size_t>(t)];
    const Mat& xn = tape.x[static_cast<std::size_t>(t) + 1];
    const Mat& ph = tape.ph[static_cast<std::size_t>(t)];
    // a = (a_q', a_p½) at (q', p½).
    a = dx[static_cast<std::size_t>(t) + 1];
    y.topRows(n) = xn.topRows(n);
    y.bottomRows(n) = ph;
    v.topRows(n) = -0.5 * dt * a.bottomRows(n);
    v.bottomRows(n).setZero();
    h.grad_backward(y, v, a, dtheta);
    // q' = q + ε ∂H/∂p(q, p½): a becomes (a_q, a_p½) at (q, p½).
    y.topRows(n) = x.topRows(n);
    v.topRows(n).setZero();
    v.bottomRows(n) = dt * a.topRows(n);
    h.grad_backward(y, v, a, dtheta);
    // p½ = p − (ε/2) ∂H/∂q(q, p): a becomes (a_q, a_p) at (q, p).
    v.topRows(n) = -0.5 * dt * a.bottomRows(n);
    v.bottomRows(n).setZero();
    h.grad_backward(x, v, a, dtheta);
    dx[static_cast<std::size_t>(t)] += a;
  }
}

}  // namespace hnn
