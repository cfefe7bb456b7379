// The action-variable loss of Bondesan & Lamacraft (2019). On the latent side of a flow, the
// phase plane i of a state z = (q̂, p̂) has r_i = q̂_i² + p̂_i² = 2 I_i; for action-angle variables
// r is constant along a trajectory. For one trajectory's latent states z_k = T⁻¹(x(t_k)), taken
// in the order given (the caller shuffles the times, so neighbours are random pairs of times on
// the same trajectory; the pairing wraps around, z_τ ≡ z_0):
//   ℓ = 1/(n τ) Σ_{k=0}^{τ−1} ‖r_k − r_{k+1}‖²,   r_k ∈ R^n.
// Its gradient: ∂ℓ/∂r_k = 2/(nτ) (2 r_k − r_{k−1} − r_{k+1}), ∂r_i/∂q̂_i = 2 q̂_i,
// ∂r_i/∂p̂_i = 2 p̂_i.
// There is no anti-collapse term: a canonical map preserves Σ_i ∮ p̂_i dq̂_i = ∮ p·dq.
#pragma once

#include "core/types.hpp"

namespace hnn {

// Z: dim × τ (dim = 2n), the latent states of one trajectory in loss order. Returns ℓ; if GRAD
// is not null, sets *GRAD = ∂ℓ/∂Z (dim × τ).
double action_loss(ConstMatRef z, Mat* grad = nullptr);

// r = q̂² + p̂² per plane: n × τ.
Mat plane_radii(ConstMatRef z);

}  // namespace hnn
