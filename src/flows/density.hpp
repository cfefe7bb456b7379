// Density estimation with symplectic flows (Li, Dong, Zhang, Wang 2020; spec
// canonical-flows.md, "Density estimation with symplectic flows").
//
// Latent: independent harmonic oscillators with learned frequencies ω_k = exp(s_k),
//   q(z) = Π_k (βω_k/2π) exp(−βω_k (q̂_k² + p̂_k²)/2) = Π_k (βω_k/2π) exp(−β ω_k I_k),
// in the circle coordinates of the Conventions (I_k the latent actions, ω_k the angle
// frequencies of the latent Hamiltonian K = Σ ω_k I_k). It is the spec's
// p_Z ∝ exp(−β Σ (P_k² + ω_k² Q_k²)/2) written in q̂ = √ω Q, p̂ = P/√ω, a canonical scaling, so
// both describe the same family of physical densities. Normalised over dq̂ dp̂.
// The flow T (latent -> physical) is symplectic, |det ∂T| = 1, so the model density of a
// physical state is exactly p(x) = q(T⁻¹x).
//
// Parameters: θ = [θ_flow, s] with s = ln ω (n entries) after the flow's parameters.
// Objectives (sums over the columns; the caller divides by the count):
//   nll:          Σ_j −ln q(T⁻¹ x_j)                                      (maximum likelihood)
//   free energy:  Σ_j [ln q(z_j) + β H(T(z_j))], z_j = ε_j/√(βω), ε_j ~ N(0, 1)
//                 (reparameterised latent samples; its mean is ≥ −ln Z, with equality iff the
//                 model density is the Boltzmann density e^{−βH}/Z).
// Zero-center layers run in evaluation mode (their moving averages, i.e. fixed translations).
#pragma once

#include "flows/flow.hpp"
#include "systems/system.hpp"

namespace hnn {

// Σ_j ln q(z_j) over the columns of Z (2n × B) for s = ln ω. If GZ is not null it is set to
// ∂/∂Z; if GS is not null, ∂/∂s is ADDED to it.
double harmonic_log_density(ConstVecRef log_omega, double beta, ConstMatRef z, Mat* gz,
                            Vec* gs);

struct DensityWorkspace {
  Flow::Cache cache;
  Mat z, x, gz, gx;
  Vec g;
};
DensityWorkspace make_density_workspace(const Flow& flow);

// Σ_j −ln p(x_j) for X (2n × B) physical states. THETA has flow.n_params() + n entries; if GRAD
// is not null, ∂/∂θ is ADDED to it.
double density_nll(const Flow& flow, ConstVecRef theta, double beta, ConstMatRef x,
                   DensityWorkspace& ws, Vec* grad);

// Σ_j [ln q(z_j) + β H(T(z_j))] with z_j = ε_j/√(βω) from the standard normal EPS (2n × B).
// If GRAD is not null, the reparameterised gradient ∂/∂θ is ADDED to it.
double density_free_energy(const Flow& flow, ConstVecRef theta, double beta,
                           const Hamiltonian& h, ConstMatRef eps, DensityWorkspace& ws,
                           Vec* grad);

// Exact −ln Z = Σ_k ln(βω_k/2π) of H = Σ_k (P_k² + ω_k² Q_k²)/2 (all ω_k > 0), phase-space
// measure dq dp.
double harmonic_minus_log_z(ConstVecRef omega, double beta);

}  // namespace hnn
