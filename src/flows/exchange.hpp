// The exchange layer (q, p) -> (p, −q): a quarter turn in every phase plane, y = Ω x with
// Ω = [[0, 1], [−1, 0]]: y_q = x_p, y_p = −x_q; inverse x_q = −y_p, x_p = y_q. No parameters.
// Between couplings it lets a "p <- p + ∇F(q)" coupling act on the other half.
#pragma once

#include "flows/layer.hpp"

namespace hnn {

class ExchangeLayer final : public FlowLayer {
 public:
  explicit ExchangeLayer(int n) : FlowLayer(n) {}
  std::string name() const override { return "exchange"; }
  long n_params() const override { return 0; }
  void init_params(Rng&, VecRef) const override {}
  std::unique_ptr<LayerCache> make_cache() const override { return std::make_unique<LayerCache>(); }
  void forward(ConstVecRef theta, ConstMatRef x, MatRef y, LayerCache& c,
               FlowMode mode) const override;
  void inverse(ConstVecRef theta, ConstMatRef y, MatRef x, LayerCache& c,
               FlowMode mode) const override;
  void forward_backward(ConstVecRef theta, LayerCache& c, ConstMatRef gy, MatRef gx,
                        VecRef dtheta) const override;
  void inverse_backward(ConstVecRef theta, LayerCache& c, ConstMatRef gx, MatRef gy,
                        VecRef dtheta) const override;
};

}  // namespace hnn
