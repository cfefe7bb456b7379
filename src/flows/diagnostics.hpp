// Checks of a learned flow on trajectories: are the latent planes action-angle planes? For one
// trajectory x(t_k) pulled back, z_k = T⁻¹(x(t_k)), and each plane i:
//   r_i(t) = q̂_i² + p̂_i² (= 2 I_i): its mean and relative fluctuation std/mean over the times;
//   φ_i(t) = atan2(p̂_i, q̂_i), unwrapped: a least-squares line φ_i ≈ φ_i0 − ω_i t gives the
//   learned frequency ω_i (latent H = Σ ω_i I_i turns the planes clockwise, φ̇ = −ω) and the
//   largest deviation from the line, in units of 2π.
// Also the symplectic condition of T⁻¹ at given states, with its exact Jacobian (2n VJPs).
#pragma once

#include <vector>

#include "flows/flow.hpp"

namespace hnn {

struct PlaneFit {
  double r_mean = 0, r_rel_std = 0;  // of r_i over the times
  double omega = 0;                  // −slope of the unwrapped angle
  double angle_residual = 0;         // max |φ − line| / 2π
};

// X: dim × τ (one trajectory), T: τ increasing times, sampled densely enough that the angle
// advances by less than π between samples. One PlaneFit per plane.
std::vector<PlaneFit> fit_action_angles(const Flow& flow, ConstVecRef theta, ConstMatRef x,
                                        ConstVecRef t);

// max over the columns of X and the entries of |JᵀΩJ − Ω|, J = ∂T⁻¹/∂x (evaluation mode).
double symplectic_error(const Flow& flow, ConstVecRef theta, ConstMatRef x);

}  // namespace hnn
