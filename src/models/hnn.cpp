#include "models/hnn.hpp"

#include "models/net_workspace.hpp"
#include "nn/init.hpp"

namespace hnn {

namespace {

MlpShape shape_of(int in, const NetSpec& s) {
  MlpShape m;
  m.sizes.push_back(in);
  for (int h : s.hidden) m.sizes.push_back(h);
  m.sizes.push_back(1);
  m.act = s.act;
  m.last_bias = s.last_bias;
  return m;
}

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
    : dim_(dim), spec_(spec), net_(shape_of(dim, spec)) {}

template <class S>
void HnnModel<S>::init_params(Rng& rng, VecRef theta) const {
  Eigen::Matrix<S, Eigen::Dynamic, 1> t(n_params());
  hnn::init_params<S>(net_.shape(), spec_.init, rng, t);
  theta = t.template cast<double>();
}

template <class S>
std::unique_ptr<Model::Workspace> HnnModel<S>::make_workspace() const {
  return std::make_unique<NetWorkspace<S>>();
}

template <class S>
double HnnModel<S>::sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt,
                                      Workspace& w, double* grad) const {
  auto& ws = static_cast<NetWorkspace<S>&>(w);
  const long B = x.cols(), n = dim_ / 2;
  const auto th = ws.params(theta);
  ws.H.resize(1, B);
  ws.G.resize(dim_, B);
  net_.forward_with_input_grad(th, ws.input(x, ws.X), ws.H, ws.G, ws.cache);
  typename NetWorkspace<S>::MatS gq = ws.G.topRows(n), gp = ws.G.bottomRows(n), dgq, dgp;
  const double sse = field_residual(gq, gp, dxdt.topRows(n), dxdt.bottomRows(n),
                                    grad ? &dgq : nullptr, grad ? &dgp : nullptr);
  if (grad) {
    ws.dG.resize(dim_, B);
    ws.dG << dgq, dgp;
    ws.dH.setZero(1, B);
    ws.dtheta.setZero(n_params());
    net_.backward_through_input_grad(th, ws.cache, ws.dH, ws.dG, ws.dtheta);
    Eigen::Map<Vec>(grad, n_params()) += ws.dtheta.template cast<double>();
  }
  return sse;
}

template <class S>
void HnnModel<S>::energy_and_gradient(ConstVecRef theta, ConstMatRef x, Workspace& w, MatRef h,
                                      MatRef grad) const {
  auto& ws = static_cast<NetWorkspace<S>&>(w);
  ws.H.resize(1, x.cols());
  ws.G.resize(dim_, x.cols());
  net_.forward_with_input_grad(ws.params(theta), ws.input(x, ws.X), ws.H, ws.G, ws.cache);
  h = ws.H.template cast<double>();
  grad = ws.G.template cast<double>();
}

template <class S>
void HnnModel<S>::predict_field(ConstVecRef theta, ConstMatRef x, Workspace& w, MatRef out) const {
  Mat h(1, x.cols()), g(dim_, x.cols());
  energy_and_gradient(theta, x, w, h, g);
  const long n = dim_ / 2;
  out.topRows(n) = g.bottomRows(n);
  out.bottomRows(n) = -g.topRows(n);
}

// ---- SeparableHnnModel ----------------------------------------------------------------------

template <class S>
SeparableHnnModel<S>::SeparableHnnModel(int dim, const NetSpec& spec)
    : dim_(dim), spec_(spec), net_(shape_of(dim / 2, spec)) {}

template <class S>
void SeparableHnnModel<S>::init_params(Rng& rng, VecRef theta) const {
  Eigen::Matrix<S, Eigen::Dynamic, 1> t(net_.n_params());
  for (int part = 0; part < 2; ++part) {  // T, then V
    hnn::init_params<S>(net_.shape(), spec_.init, rng, t);
    theta.segment(part * net_.n_params(), net_.n_params()) = t.template cast<double>();
  }
}

template <class S>
std::unique_ptr<Model::Workspace> SeparableHnnModel<S>::make_workspace() const {
  return std::make_unique<NetWorkspace<S>>();
}

template <class S>
double SeparableHnnModel<S>::sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt,
                                               Workspace& w, double* grad) const {
  auto& ws = static_cast<NetWorkspace<S>&>(w);
  const long B = x.cols(), n = dim_ / 2, np = net_.n_params();
  const auto th = ws.params(theta);
  const auto tT = th.head(np), tV = th.tail(np);
  ws.H.resize(1, B);
  ws.G.resize(n, B);
  ws.H2.resize(1, B);
  ws.G2.resize(n, B);
  const auto xs = ws.input(x, ws.X);
  net_.forward_with_input_grad(tT, xs.bottomRows(n), ws.H, ws.G, ws.cache);     // T(p), ∂T/∂p
  net_.forward_with_input_grad(tV, xs.topRows(n), ws.H2, ws.G2, ws.cache2);     // V(q), ∂V/∂q
  typename NetWorkspace<S>::MatS dgq, dgp;
  const double sse = field_residual(ws.G2, ws.G, dxdt.topRows(n), dxdt.bottomRows(n),
                                    grad ? &dgq : nullptr, grad ? &dgp : nullptr);
  if (grad) {
    ws.dH.setZero(1, B);
    ws.dtheta.setZero(2 * np);
    net_.backward_through_input_grad(tT, ws.cache, ws.dH, dgp, ws.dtheta.head(np));
    net_.backward_through_input_grad(tV, ws.cache2, ws.dH, dgq, ws.dtheta.tail(np));
    Eigen::Map<Vec>(grad, n_params()) += ws.dtheta.template cast<double>();
  }
  return sse;
}

template <class S>
void SeparableHnnModel<S>::energy_and_gradient(ConstVecRef theta, ConstMatRef x, Workspace& w,
                                               MatRef h, MatRef grad) const {
  auto& ws = static_cast<NetWorkspace<S>&>(w);
  const long B = x.cols(), n = dim_ / 2, np = net_.n_params();
  const auto th = ws.params(theta);
  ws.H.resize(1, B);
  ws.G.resize(n, B);
  ws.H2.resize(1, B);
  ws.G2.resize(n, B);
  const auto xs = ws.input(x, ws.X);
  net_.forward_with_input_grad(th.head(np), xs.bottomRows(n), ws.H, ws.G, ws.cache);
  net_.forward_with_input_grad(th.tail(np), xs.topRows(n), ws.H2, ws.G2, ws.cache2);
  h = (ws.H + ws.H2).template cast<double>();
  grad.topRows(n) = ws.G2.template cast<double>();
  grad.bottomRows(n) = ws.G.template cast<double>();
}

template <class S>
void SeparableHnnModel<S>::predict_field(ConstVecRef theta, ConstMatRef x, Workspace& w,
                                         MatRef out) const {
  Mat h(1, x.cols()), g(dim_, x.cols());
  energy_and_gradient(theta, x, w, h, g);
  const long n = dim_ / 2;
  out.topRows(n) = g.bottomRows(n);
  out.bottomRows(n) = -g.topRows(n);
}

template class HnnModel<double>;
template class HnnModel<float>;
template class SeparableHnnModel<double>;
template class SeparableHnnModel<float>;

}  // namespace hnn
