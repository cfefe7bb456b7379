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

#include "models/net_model.hpp"

namespace hnn {

template <class S>
class HnnModel : public HamiltonianNetModel<S> {
 public:
  HnnModel(int dim, const NetSpec& spec);
  std::string kind() const override { return "hnn"; }
  double sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt,
                           Model::Workspace& ws, double* grad) const override;
  void energy_and_gradient(ConstVecRef theta, ConstMatRef x, Model::Workspace& ws, MatRef h,
                           MatRef grad) const override;
};

// net_ has the shape of T and of V: (n, hidden..., 1); θ = (θ_T, θ_V).
template <class S>
class SeparableHnnModel : public HamiltonianNetModel<S> {
 public:
  SeparableHnnModel(int dim, const NetSpec& spec);
  std::string kind() const override { return "separable_hnn"; }
  double sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt,
                           Model::Workspace& ws, double* grad) const override;
  void energy_and_gradient(ConstVecRef theta, ConstMatRef x, Model::Workspace& ws, MatRef h,
                           MatRef grad) const override;
};

}  // namespace hnn
