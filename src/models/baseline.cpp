#include "models/baseline.hpp"

#include "models/net_workspace.hpp"
#include "nn/init.hpp"

namespace hnn {

namespace {

MlpShape baseline_shape(int dim, const NetSpec& s) {
  MlpShape m;
  m.sizes.push_back(dim);
  for (int h : s.hidden) m.sizes.push_back(h);
  m.sizes.push_back(dim);
  m.act = s.act;
  m.last_bias = s.last_bias;
  return m;
}

}  // namespace

template <class S>
BaselineModel<S>::BaselineModel(int dim, const NetSpec& spec)
    : dim_(dim), spec_(spec), net_(baseline_shape(dim, spec)) {}

template <class S>
void BaselineModel<S>::init_params(Rng& rng, VecRef theta) const {
  Eigen::Matrix<S, Eigen::Dynamic, 1> t(n_params());
  hnn::init_params<S>(net_.shape(), spec_.init, rng, t);
  theta = t.template cast<double>();
}

template <class S>
std::unique_ptr<Model::Workspace> BaselineModel<S>::make_workspace() const {
  return std::make_unique<NetWorkspace<S>>();
}

template <class S>
double BaselineModel<S>::sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt,
                                           Workspace& w, double* grad) const {
  auto& ws = static_cast<NetWorkspace<S>&>(w);
  const auto th = ws.params(theta);
  ws.Y.resize(dim_, x.cols());
  net_.forward(th, ws.input(x, ws.X), ws.Y, ws.cache);
  ws.dG = ws.Y - dxdt.template cast<S>();  // residual
  const double sse = ws.dG.template cast<double>().squaredNorm();
  if (grad) {
    ws.dG *= S(2);
    ws.dtheta.setZero(n_params());
    net_.backward(th, ws.cache, ws.dG, ws.dtheta);
    Eigen::Map<Vec>(grad, n_params()) += ws.dtheta.template cast<double>();
  }
  return sse;
}

template <class S>
void BaselineModel<S>::predict_field(ConstVecRef theta, ConstMatRef x, Workspace& w,
                                     MatRef out) const {
  auto& ws = static_cast<NetWorkspace<S>&>(w);
  ws.Y.resize(dim_, x.cols());
  net_.forward(ws.params(theta), ws.input(x, ws.X), ws.Y, ws.cache);
  out = ws.Y.template cast<double>();
}

template class BaselineModel<double>;
template class BaselineModel<float>;

}  // namespace hnn
