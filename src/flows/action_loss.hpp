// The action-variable loss of Bondesan & Lamacraft (2019). On the latent side of a flow, the
// phase plane i of a state z = (q̂, p̂) has r_i = q̂_i² + p̂_i² = 2 I_i; for action-angle variables
// r is constant along a trajectory. For one trajectory's latent states z_k = T⁻¹(x(t_k)), taken
// in the order given (the caller shuffles the times, so neighbours are random pairs of times on
// the same trajectory; the pairing wraps around, z_τ ≡ z_0):
//   ℓ = 1/(n τ) Σ_{k=0}^{τ−1} ‖r_k − r_{k+1}‖²,   r_k ∈ R^n.
// Its gradient: ∂ℓ/∂r_k = 2/(nτ) (2 r_k − r_{k−1} − r_{k+1}), ∂r_i/∂q̂_i = 2 q̂_i,
// ∂r_i/∂p̂_i = 2 p̂_i.
// There is no anti-collapse term: a canonical map preserves Σ_i ∮ p̂_i dq̂_i = ∮ p·dq.
//
// The relative form (ours; [train] action_loss = "relative") measures each plane's changes in
// units of that plane's mean over the trajectory, r̄_i = (1/τ) Σ_k r_ik:
//   ℓ_rel = 1/(n τ) Σ_k Σ_i ((r_ik − r_i,k+1) / r̄_i)²,
// the square of the evaluation's relative fluctuation (std/mean), so a plane that holds 2% of
// the action weighs as much as one that holds 98%. It is invariant under r → s·r per plane.
// With u = r / r̄ and g = ∂ℓ_rel/∂u of the absolute form, ∂ℓ_rel/∂r_ik = (g_ik − 2 ℓ_i/τ) / r̄_i
// (ℓ_i plane i's share of ℓ_rel); a plane with r̄_i = 0 (all its states at the origin) adds 0.
//
// The angle-rate term (ours; [train] angle_weight): constant actions do not make the angles
// advance linearly when the data lie on one energy shell (Kepler with a = 1): an area-preserving
// map can carry a circle onto itself with any reparametrisation, and the action loss cannot see
// it. Pairs of states a time δ apart, z_k = T⁻¹(x(t_k)) and z'_k = T⁻¹(x(t_k + δ)), give per plane
//   c_i = (p̂_i q̂'_i − q̂_i p̂'_i) / δ = r_i sin(ω_i δ) / δ  ≈ r_i ω_i
// for a plane turning clockwise at ω_i (φ = atan2(p̂, q̂) = φ_0 − ω t, flows/diagnostics.hpp);
// constant r and c along a trajectory mean a constant rate. Same fluctuation form as ℓ:
//   ℓ_c = 1/(n τ) Σ_k ‖c_k − c_{k+1}‖².
//
// The still-plane term (ours; [train] still_planes, still_weight): a degenerate system has fewer
// frequencies than planes (Kepler: one), and the planes with ω_i = 0 should hold a point fixed
// along each trajectory, not merely a constant r. For the planes S it measures the motion of the
// point itself, in the same form as ℓ (n all planes, the pairing as above):
//   ℓ_s = 1/(n τ) Σ_k Σ_{i∈S} ‖(q̂_i, p̂_i)_k − (q̂_i, p̂_i)_{k+1}‖².
// It is 0 only where every plane in S is constant along the trajectory; it does not pull the
// point to the origin.
#pragma once

#include <vector>

#include "core/types.hpp"

namespace hnn {

// Z: dim × τ (dim = 2n), the latent states of one trajectory in loss order. Returns ℓ; if GRAD
// is not null, sets *GRAD = ∂ℓ/∂Z (dim × τ). RELATIVE: ℓ_rel instead of ℓ.
double action_loss(ConstMatRef z, Mat* grad = nullptr, bool relative = false);

// ℓ_s of Z (dim × τ) for the planes PLANES (0-based, each < n); if GRAD is not null, sets
// *GRAD = ∂ℓ_s/∂Z (zero outside those planes' rows).
double still_plane_loss(ConstMatRef z, const std::vector<int>& planes, Mat* grad = nullptr);

// r = q̂² + p̂² per plane: n × τ.
Mat plane_radii(ConstMatRef z);

// ℓ_c of the pairs (Z, Z_LAG) (dim × τ each, column k of Z_LAG a time DELTA after column k of Z).
// If GRAD and GRAD_LAG are not null, sets them to ∂ℓ_c/∂Z and ∂ℓ_c/∂Z_LAG.
double angle_rate_loss(ConstMatRef z, ConstMatRef z_lag, double delta, Mat* grad = nullptr,
                       Mat* grad_lag = nullptr);

// c = (p̂ q̂' − q̂ p̂')/δ per plane: n × τ.
Mat plane_rates(ConstMatRef z, ConstMatRef z_lag, double delta);

}  // namespace hnn
