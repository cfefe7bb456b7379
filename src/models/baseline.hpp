// The baseline of Greydanus et al. (2019): the same MLP with 2n outputs predicting dx/dt
// directly (no structure), trained on the same loss Σ_i (f_θ(x)_i − (dx/dt)_i)².
#pragma once

#include "models/hnn.hpp"

namespace hnn {

template <class S>
class BaselineModel : public Model {
 public:
  BaselineModel(int dim, const NetSpec& spec);
  std::string kind() const override { return "baseline"; }
  long n_params() const override { return net_.n_params(); }
  int dim() const override { return dim_; }
  void init_params(Rng& rng, VecRef theta) const override;
  std::unique_ptr<Workspace> make_workspace() const override;
  double sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt, Workspace& ws,
                           double* grad) const override;
  void predict_field(ConstVecRef theta, ConstMatRef x, Workspace& ws, MatRef out) const override;

 private:
  int dim_;
  NetSpec spec_;
  Mlp<S> net_;
};

}  // namespace hnn
