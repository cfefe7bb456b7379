#include "flows/zero_center.hpp"

#include "core/error.hpp"

namespace hnn {

namespace {

struct ZeroCenterCache : LayerCache {
  bool train = false;       // the last pass was a training-mode inverse
  double mu_q = 0, mu_p = 0;  // its batch means
};

}  // namespace

ZeroCenterLayer::ZeroCenterLayer(int n, double decay) : FlowLayer(n), decay_(decay) {
  if (!(decay >= 0 && decay < 1)) throw ConfigError("zero_center: decay must be in [0, 1)");
}

void ZeroCenterLayer::init_params(Rng&, VecRef theta) const { theta.setZero(); }

std::unique_ptr<LayerCache> ZeroCenterLayer::make_cache() const {
  return std::make_unique<ZeroCenterCache>();
}

void ZeroCenterLayer::forward(ConstVecRef theta, ConstMatRef x, MatRef y, LayerCache& lc,
                              FlowMode) const {
  static_cast<ZeroCenterCache&>(lc).train = false;
  y.topRows(n_) = x.topRows(n_).array() - theta[0] + theta[2];
  y.bottomRows(n_) = x.bottomRows(n_).array() - theta[1] + theta[3];
}

void ZeroCenterLayer::inverse(ConstVecRef theta, ConstMatRef y, MatRef x, LayerCache& lc,
                              FlowMode mode) const {
  if (mode == FlowMode::train) {
    inverse_centered(theta, y, x, lc, y.topRows(n_).mean(), y.bottomRows(n_).mean());
    return;
  }
  static_cast<ZeroCenterCache&>(lc).train = false;
  x.topRows(n_) = y.topRows(n_).array() - theta[2] + theta[0];
  x.bottomRows(n_) = y.bottomRows(n_).array() - theta[3] + theta[1];
}

std::pair<double, double> ZeroCenterLayer::sums(ConstMatRef y) const {
  return {y.topRows(n_).sum(), y.bottomRows(n_).sum()};
}

void ZeroCenterLayer::inverse_centered(ConstVecRef theta, ConstMatRef y, MatRef x, LayerCache& lc,
                                       double mu_q, double mu_p) const {
  auto& c = static_cast<ZeroCenterCache&>(lc);
  c.train = true;
  c.mu_q = mu_q;
  c.mu_p = mu_p;
  x.topRows(n_) = y.topRows(n_).array() - mu_q + theta[0];
  x.bottomRows(n_) = y.bottomRows(n_).array() - mu_p + theta[1];
}

void ZeroCenterLayer::forward_backward(ConstVecRef, LayerCache&, ConstMatRef gy, MatRef gx,
                                       VecRef dtheta) const {
  gx = gy;
  dtheta[0] -= gy.topRows(n_).sum();
  dtheta[1] -= gy.bottomRows(n_).sum();
}

// Training: x = y − mean(y) + α per half, so gy = gx − mean(gx) (the mean's adjoint spreads the
// sum of gx evenly over the entries it averaged).
void ZeroCenterLayer::inverse_backward(ConstVecRef, LayerCache& lc, ConstMatRef gx, MatRef gy,
                                       VecRef dtheta) const {
  const bool train = static_cast<const ZeroCenterCache&>(lc).train;
  inverse_backward_centered(lc, gx, gy, dtheta, train ? gx.topRows(n_).mean() : 0.0,
                            train ? gx.bottomRows(n_).mean() : 0.0);
}

void ZeroCenterLayer::inverse_backward_centered(LayerCache&, ConstMatRef gx, MatRef gy,
                                                VecRef dtheta, double gbar_q,
                                                double gbar_p) const {
  gy.topRows(n_) = gx.topRows(n_).array() - gbar_q;
  gy.bottomRows(n_) = gx.bottomRows(n_).array() - gbar_p;
  dtheta[0] += gx.topRows(n_).sum();
  dtheta[1] += gx.bottomRows(n_).sum();
}

void ZeroCenterLayer::update_moving_average(VecRef theta, const LayerCache& lc,
                                            bool first) const {
  const auto& c = static_cast<const ZeroCenterCache&>(lc);
  if (c.train) update_moving_average(theta, c.mu_q, c.mu_p, first);
}

void ZeroCenterLayer::update_moving_average(VecRef theta, double mu_q, double mu_p,
                                            bool first) const {
  const double d = first ? 0.0 : decay_;
  theta[2] = d * theta[2] + (1 - d) * mu_q;
  theta[3] = d * theta[3] + (1 - d) * mu_p;
}

std::pair<double, double> ZeroCenterLayer::batch_mean(const LayerCache& lc) {
  const auto& c = static_cast<const ZeroCenterCache&>(lc);
  return {c.mu_q, c.mu_p};
}

}  // namespace hnn
