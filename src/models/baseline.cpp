#include "models/baseline.hpp"

#include "models/net_workspace.hpp"

namespace hnn {


template <class S>
BaselineModel<S>::BaselineModel(int dim, const NetSpec& spec)
    : NetModel<S>(dim, spec, net_shape(dim, spec, dim)) {}

template <class S>
double BaselineModel<S>::sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt,
                                           Model::Workspace& w, double* grad) const {
  auto& ws = static_cast<NetWorkspace<S>&>(w);
  const auto th = ws.params(theta);
  ws.Y.resize(this->dim_, x.cols());
  this->net_.forward(th, ws.input(x, ws.X), ws.Y, ws.cache);
  ws.dG = ws.Y - dxdt.template cast<S>();  // residual
  const double sse = ws.dG.template cast<double>().squaredNorm();
  if (grad) {
    ws.dG *= S(2);
    ws.dtheta.setZero(this->n_params());
    this->net_.backward(th, ws.cache, ws.dG, ws.dtheta);
    Eigen::Map<Vec>(grad, this->n_params()) += ws.dtheta.template cast<double>();
  }
  return sse;
}

template <class S>
void BaselineModel<S>::predict_field(ConstVecRef theta, ConstMatRef x, Model::Workspace& w,
                                     MatRef out) const {
  auto& ws = static_cast<NetWorkspace<S>&>(w);
  ws.Y.resize(this->dim_, x.cols());
  this->net_.forward(ws.params(theta), ws.input(x, ws.X), ws.Y, ws.cache);
  out = ws.Y.template cast<double>();
}

template class BaselineModel<double>;
template class BaselineModel<float>;

}  // namespace hnn
