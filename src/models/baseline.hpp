// The baseline of Greydanus et al. (2019): the same MLP with 2n outputs predicting dx/dt
// directly (no structure), trained on the same loss Σ_i (f_θ(x)_i − (dx/dt)_i)².
#pragma once

#include "models/net_model.hpp"

namespace hnn {

template <class S>
class BaselineModel : public NetModel<S> {
 public:
  BaselineModel(int dim, const NetSpec& spec);
  std::string kind() const override { return "baseline"; }
  double sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt,
                           Model::Workspace& ws, double* grad) const override;
  void predict_field(ConstVecRef theta, ConstMatRef x, Model::Workspace& ws,
                     MatRef out) const override;
};

}  // namespace hnn
