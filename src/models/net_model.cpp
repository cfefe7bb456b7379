#include "models/net_model.hpp"

#include "models/net_workspace.hpp"
#include "nn/init.hpp"

namespace hnn {

MlpShape net_shape(int n_in, const NetSpec& spec, int n_out) {
  MlpShape m;
  m.sizes.push_back(n_in);
  for (int h : spec.hidden) m.sizes.push_back(h);
  m.sizes.push_back(n_out);
  m.act = spec.act;
  m.last_bias = spec.last_bias;
  return m;
}

template <class S>
NetModel<S>::NetModel(int dim, const NetSpec& spec, const MlpShape& shape, int copies)
    : dim_(dim), spec_(spec), net_(shape), copies_(copies) {}

template <class S>
void NetModel<S>::init_params(Rng& rng, VecRef theta) const {
  const long np = net_.n_params();
  Eigen::Matrix<S, Eigen::Dynamic, 1> t(np);
  for (int c = 0; c < copies_; ++c) {
    hnn::init_params<S>(net_.shape(), spec_.init, rng, t);
    theta.segment(c * np, np) = t.template cast<double>();
  }
}

template <class S>
std::unique_ptr<Model::Workspace> NetModel<S>::make_workspace() const {
  return std::make_unique<NetWorkspace<S>>();
}

template <class S>
void HamiltonianNetModel<S>::predict_field(ConstVecRef theta, ConstMatRef x, Model::Workspace& w,
                                           MatRef out) const {
  Mat h(1, x.cols()), g(this->dim_, x.cols());
  this->energy_and_gradient(theta, x, w, h, g);
  const long n = this->dim_ / 2;
  out.topRows(n) = g.bottomRows(n);
  out.bottomRows(n) = -g.topRows(n);
}

template class NetModel<double>;
template class NetModel<float>;
template class HamiltonianNetModel<double>;
template class HamiltonianNetModel<float>;

}  // namespace hnn
