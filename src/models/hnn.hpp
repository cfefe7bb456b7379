// Hamiltonian neural networks (Greydanus et al. 2019): a scalar network H_θ(x) whose vector
// field Ω∇_x H_θ is fitted to observed time derivatives, so the learned dynamics conserve H_θ
// exactly. Loss per sample: Σ_i ((Ω ∇H_θ(x))_i − (dx/dt)_i)², i.e. for x = (q, p):
// (∂H/∂p − dq/dt)² + (−∂H/∂q − dp/dt)². Its gradient in θ needs the mixed second derivatives of
// the network: Mlp::backward_through_input_grad.
//   HnnModel:           H_θ = MLP(x), sizes (2n, hidden..., 1)
//   SeparableHnnModel:  H_θ = T_θ₁(p) + V_θ₂(q), two MLPs (n, hidden..., 1); θ = (θ₁, θ₂)
// Both run in float64 or float32 (Scalar S); θ and gradients cross the Model interface in
// float64.
#pragma once

#include "models/model.hpp"
#include "nn/mlp.hpp"

namespace hnn {

struct NetSpec {
  std::vector<int> hidden{200, 200};
  Activation act = Activation::tanh;
  std::string init = "orthogonal";
  bool last_bias = false;
};

template <class S>
class HnnModel : public Model {
 public:
  HnnModel(int dim, const NetSpec& spec);
  std::string kind() const override { return "hnn"; }
  long n_params() const override { return net_.n_params(); }
  int dim() const override { return dim_; }
  void init_params(Rng& rng, VecRef theta) const override;
  std::unique_ptr<Workspace> make_workspace() const override;
  double sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt, Workspace& ws,
                           double* grad) const override;
  void predict_field(ConstVecRef theta, ConstMatRef x, Workspace& ws, MatRef out) const override;
  bool has_energy() const override { return true; }
  void energy_and_gradient(ConstVecRef theta, ConstMatRef x, Workspace& ws, MatRef h,
                           MatRef grad) const override;

 private:
  int dim_;
  NetSpec spec_;
  Mlp<S> net_;
};

template <class S>
class SeparableHnnModel : public Model {
 public:
  SeparableHnnModel(int dim, const NetSpec& spec);
  std::string kind() const override { return "separable_hnn"; }
  long n_params() const override { return 2 * net_.n_params(); }
  int dim() const override { return dim_; }
  void init_params(Rng& rng, VecRef theta) const override;
  std::unique_ptr<Workspace> make_workspace() const override;
  double sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt, Workspace& ws,
                           double* grad) const override;
  void predict_field(ConstVecRef theta, ConstMatRef x, Workspace& ws, MatRef out) const override;
  bool has_energy() const override { return true; }
  void energy_and_gradient(ConstVecRef theta, ConstMatRef x, Workspace& ws, MatRef h,
                           MatRef grad) const override;

 private:
  int dim_;
  NetSpec spec_;
  Mlp<S> net_;  // the shape of T and of V: (n, hidden..., 1)
};

}  // namespace hnn
