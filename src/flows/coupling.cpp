#include "flows/coupling.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace hnn {

namespace {

struct CouplingCache : LayerCache {
  MlpD::Cache net;
  Mat u, h, g, hv, dh;  // argument of F (n × B), F (1 × B), ∇F (n × B), ∇²F·v, zeros (1 × B)
};

MlpShape f_shape(int n, const std::vector<int>& hidden, Activation act) {
  MlpShape s;
  s.sizes.push_back(n);
  for (int h : hidden) s.sizes.push_back(h);
  s.sizes.push_back(1);
  s.act = act;
  return s;
}

}  // namespace

CouplingLayer::CouplingLayer(int n, Shift shift, std::vector<int> hidden, Activation act,
                             std::string init, double init_scale)
    : FlowLayer(n),
      shift_(shift),
      init_(std::move(init)),
      init_scale_(init_scale),
      net_(f_shape(n, hidden, act)) {
  if (!has_second_derivative(act))
    throw ConfigError("a coupling layer needs an activation with a second derivative (∇²F)");
  check_init_scheme(init_);
}

void CouplingLayer::init_params(Rng& rng, VecRef theta) const {
  const long nf = net_.n_params();
  hnn::init_params<double>(net_.shape(), init_, rng, theta.head(nf));
  net_.W(net_.n_layers() - 1, theta.data()) *= init_scale_;
  theta.tail(n_).setZero();
}

std::unique_ptr<LayerCache> CouplingLayer::make_cache() const {
  return std::make_unique<CouplingCache>();
}

// out = in, then out_a += sign·(∇F(in_b) + c).
void CouplingLayer::shift(ConstVecRef theta, ConstMatRef in, MatRef out, LayerCache& lc,
                          double sign) const {
  auto& c = static_cast<CouplingCache&>(lc);
  const long B = in.cols(), nf = net_.n_params();
  c.u = in.middleRows(b0(), n_);
  c.h.resize(1, B);
  c.g.resize(n_, B);
  net_.forward_with_input_grad(theta.head(nf), c.u, c.h, c.g, c.net);
  out = in;
  c.g.colwise() += theta.tail(n_);
  out.middleRows(a0(), n_) += sign * c.g;
}

void CouplingLayer::forward(ConstVecRef theta, ConstMatRef x, MatRef y, LayerCache& c,
                            FlowMode) const {
  shift(theta, x, y, c, +1.0);
}

void CouplingLayer::inverse(ConstVecRef theta, ConstMatRef y, MatRef x, LayerCache& c,
                            FlowMode) const {
  shift(theta, y, x, c, -1.0);
}

// The map out_a = in_a + s μ(in_b), out_b = in_b (s = ±1) has the VJP
//   g_in_a = g_out_a,   g_in_b = g_out_b + s ∇²F(in_b) g_out_a   (∇²F symmetric),
//   dθ_F += s ∂(g_out_a · ∇F)/∂θ_F,   dc += s Σ_batch g_out_a.
void CouplingLayer::backward(ConstVecRef theta, LayerCache& lc, ConstMatRef g_out, MatRef g_in,
                             VecRef dtheta, double sign) const {
  auto& c = static_cast<CouplingCache&>(lc);
  const long B = g_out.cols(), nf = net_.n_params();
  const auto ga = g_out.middleRows(a0(), n_);
  c.dh.setZero(1, B);
  const Mat dg = sign * ga;
  net_.backward_through_input_grad(theta.head(nf), c.net, c.dh, dg, dtheta.head(nf));
  dtheta.tail(n_) += sign * ga.rowwise().sum();
  c.hv.resize(n_, B);
  net_.hvp_after_forward(theta.head(nf), ga, c.hv, c.net);  // c.net holds the pass on c.u
  g_in.middleRows(a0(), n_) = ga;
  g_in.middleRows(b0(), n_) = g_out.middleRows(b0(), n_) + sign * c.hv;
}

void CouplingLayer::forward_backward(ConstVecRef theta, LayerCache& c, ConstMatRef gy, MatRef gx,
                                     VecRef dtheta) const {
  backward(theta, c, gy, gx, dtheta, +1.0);
}

void CouplingLayer::inverse_backward(ConstVecRef theta, LayerCache& c, ConstMatRef gx, MatRef gy,
                                     VecRef dtheta) const {
  backward(theta, c, gx, gy, dtheta, -1.0);
}

}  // namespace hnn
