#include "flows/exchange.hpp"

namespace hnn {

void ExchangeLayer::forward(ConstVecRef, ConstMatRef x, MatRef y, LayerCache&, FlowMode) const {
  y.topRows(n_) = x.bottomRows(n_);
  y.bottomRows(n_) = -x.topRows(n_);
}

void ExchangeLayer::inverse(ConstVecRef, ConstMatRef y, MatRef x, LayerCache&, FlowMode) const {
  x.topRows(n_) = -y.bottomRows(n_);
  x.bottomRows(n_) = y.topRows(n_);
}

// The map is linear with matrix E = [[0, 1], [−1, 0]]; gx = Eᵀ gy is the inverse map applied to gy.
void ExchangeLayer::forward_backward(ConstVecRef, LayerCache&, ConstMatRef gy, MatRef gx,
                                     VecRef) const {
  gx.topRows(n_) = -gy.bottomRows(n_);
  gx.bottomRows(n_) = gy.topRows(n_);
}

// E⁻ᵀ = E: gy = E gx.
void ExchangeLayer::inverse_backward(ConstVecRef, LayerCache&, ConstMatRef gx, MatRef gy,
                                     VecRef) const {
  gy.topRows(n_) = gx.bottomRows(n_);
  gy.bottomRows(n_) = -gx.topRows(n_);
}

}  // namespace hnn
