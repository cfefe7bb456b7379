#include "flows/coupling.hpp"

namespace hnn {

namespace {

struct CouplingCache : LayerCache {
  std::unique_ptr<GeneratorCache> f;
  Mat g, hv;  // ∇F + c (n × B), ∇²F·v
};

}  // namespace

CouplingLayer::CouplingLayer(int n, Shift shift, std::vector<int> hidden, Activation act,
                             std::string init, double init_scale)
    : CouplingLayer(n, shift, make_mlp_generator(n, hidden, act, init, init_scale)) {}

CouplingLayer::CouplingLayer(int n, Shift shift, std::unique_ptr<GeneratingFunction> f)
    : FlowLayer(n), shift_(shift), f_(std::move(f)) {}

void CouplingLayer::init_params(Rng& rng, VecRef theta) const {
  f_->init_params(rng, theta.head(f_->n_params()));
  theta.tail(n_).setZero();
}

std::unique_ptr<LayerCache> CouplingLayer::make_cache() const {
  auto c = std::make_unique<CouplingCache>();
  c->f = f_->make_cache();
  return c;
}

// out = in, then out_a += sign·(∇F(in_b) + c).
void CouplingLayer::shift(ConstVecRef theta, ConstMatRef in, MatRef out, LayerCache& lc,
                          double sign) const {
  auto& c = static_cast<CouplingCache&>(lc);
  f_->gradient(theta.head(f_->n_params()), in.middleRows(b0(), n_), c.g, *c.f);
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
  const long nf = f_->n_params();
  const auto ga = g_out.middleRows(a0(), n_);
  const Mat dg = sign * ga;
  f_->gradient_backward(theta.head(nf), *c.f, dg, dtheta.head(nf));
  dtheta.tail(n_) += sign * ga.rowwise().sum();
  f_->hvp(theta.head(nf), *c.f, ga, c.hv);
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
