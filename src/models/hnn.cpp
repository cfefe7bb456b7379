#include "models/hnn.hpp"

#include "models/net_workspace.hpp"

namespace hnn {

namespace {

// Residuals of the predicted field Ω(g_q, g_p) = (g_p, −g_q) against the targets, the sum of
// their squares, and (if wanted) dL/dg = (−2 r_p, 2 r_q).
template <class M, class Y>
double field_residual(const M& gq, const M& gp, const Y& yq, const Y& yp, M* dgq, M* dgp) {
  double sse = 0;
  const auto rq = (gp - yq.template cast<typename M::Scalar>()).eval();
  const auto rp = (-gq - yp.template cast<typename M::Scalar>()).eval();
  sse = rq.template cast<double>().squaredNorm() + rp.template cast<double>().squaredNorm();
  if (dgq) {
    *dgq = -2 * rp;
    *dgp = 2 * rq;
  }
  return sse;
}

}  // namespace

// ---- HnnModel -------------------------------------------------------------------------------

template <class S>
HnnModel<S>::HnnModel(int dim, const NetSpec& spec)
    : HamiltonianNetModel<S>(dim, spec, net_shape(dim, spec, 1)) {}

template <class S>
double HnnModel<S>::sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt,
                                      Model::Workspace& w, double* grad) const {
  auto& ws = static_cast<NetWorkspace<S>&>(w);
  const long B = x.cols(), n = this->dim_ / 2;
  const auto th = ws.params(theta);
  ws.H.resize(1, B);
  ws.G.resize(this->dim_, B);
  this->net_.forward_with_input_grad(th, ws.input(x, ws.X), ws.H, ws.G, ws.cache);
  typename NetWorkspace<S>::MatS gq = ws.G.topRows(n), gp = ws.G.bottomRows(n), dgq, dgp;
  const double sse = field_residual(gq, gp, dxdt.topRows(n), dxdt.bottomRows(n),
                                    grad ? &dgq : nullptr, grad ? &dgp : nullptr);
  if (grad) {
    ws.dG.resize(this->dim_, B);
    ws.dG << dgq, dgp;
    ws.dH.setZero(1, B);
    ws.dtheta.setZero(this->n_params());
    this->net_.backward_through_input_grad(th, ws.cache, ws.dH, ws.dG, ws.dtheta);
    Eigen::Map<Vec>(grad, this->n_params()) += ws.dtheta.template cast<double>();
  }
  return sse;
}

template <class S>
void HnnModel<S>::energy_and_gradient(ConstVecRef theta, ConstMatRef x, Model::Workspace& w,
                                      MatRef h,
                                      MatRef grad) const {
  auto& ws = static_cast<NetWorkspace<S>&>(w);
  ws.H.resize(1, x.cols());
  ws.G.resize(this->dim_, x.cols());
  this->net_.forward_with_input_grad(ws.params(theta), ws.input(x, ws.X), ws.H, ws.G, ws.cache);
  h = ws.H.template cast<double>();
  grad = ws.G.template cast<double>();
}

// ---- SeparableHnnModel ----------------------------------------------------------------------

template <class S>
SeparableHnnModel<S>::SeparableHnnModel(int dim, const NetSpec& spec)
    : HamiltonianNetModel<S>(dim, spec, net_shape(dim / 2, spec, 1), 2) {}

template <class S>
double SeparableHnnModel<S>::sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt,
                                               Model::Workspace& w, double* grad) const {
  auto& ws = static_cast<NetWorkspace<S>&>(w);
  const long B = x.cols(), n = this->dim_ / 2, np = this->net_.n_params();
  const auto th = ws.params(theta);
  const auto tT = th.head(np), tV = th.tail(np);
  ws.H.resize(1, B);
  ws.G.resize(n, B);
  ws.H2.resize(1, B);
  ws.G2.resize(n, B);
  const auto xs = ws.input(x, ws.X);
  this->net_.forward_with_input_grad(tT, xs.bottomRows(n), ws.H, ws.G, ws.cache);  // T, ∂T/∂p
  this->net_.forward_with_input_grad(tV, xs.topRows(n), ws.H2, ws.G2, ws.cache2);  // V, ∂V/∂q
  typename NetWorkspace<S>::MatS dgq, dgp;
  const double sse = field_residual(ws.G2, ws.G, dxdt.topRows(n), dxdt.bottomRows(n),
                                    grad ? &dgq : nullptr, grad ? &dgp : nullptr);
  if (grad) {
    ws.dH.setZero(1, B);
    ws.dtheta.setZero(2 * np);
    this->net_.backward_through_input_grad(tT, ws.cache, ws.dH, dgp, ws.dtheta.head(np));
    this->net_.backward_through_input_grad(tV, ws.cache2, ws.dH, dgq, ws.dtheta.tail(np));
    Eigen::Map<Vec>(grad, this->n_params()) += ws.dtheta.template cast<double>();
  }
  return sse;
}

template <class S>
void SeparableHnnModel<S>::energy_and_gradient(ConstVecRef theta, ConstMatRef x,
                                               Model::Workspace& w,
                                               MatRef h, MatRef grad) const {
  auto& ws = static_cast<NetWorkspace<S>&>(w);
  const long B = x.cols(), n = this->dim_ / 2, np = this->net_.n_params();
  const auto th = ws.params(theta);
  ws.H.resize(1, B);
  ws.G.resize(n, B);
  ws.H2.resize(1, B);
  ws.G2.resize(n, B);
  const auto xs = ws.input(x, ws.X);
  this->net_.forward_with_input_grad(th.head(np), xs.bottomRows(n), ws.H, ws.G, ws.cache);
  this->net_.forward_with_input_grad(th.tail(np), xs.topRows(n), ws.H2, ws.G2, ws.cache2);
  h = (ws.H + ws.H2).template cast<double>();
  grad.topRows(n) = ws.G2.template cast<double>();
  grad.bottomRows(n) = ws.G.template cast<double>();
}

template class HnnModel<double>;
template class HnnModel<float>;
template class SeparableHnnModel<double>;
template class SeparableHnnModel<float>;

}  // namespace hnn
