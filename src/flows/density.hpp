// Density estimation with symplectic flows (Li, Dong, Zhang, Wang 2020; spec
// canonical-flows.md, "Density estimation with symplectic flows").
//
// Latent (the spec's form): independent harmonic oscillators with learned frequencies
// ω_k = exp(s_k), latent states z = (Q, P) (rows Q_1..Q_n, P_1..P_n),
//   q(z) = Π_k (βω_k/2π) exp(−β (P_k² + ω_k² Q_k²)/2),
// normalised over dQ dP; ω_k are the angle frequencies of the latent Hamiltonian
// K = Σ (P_k² + ω_k² Q_k²)/2 (in the circle coordinates of the Conventions, q̂ = √ω Q,
// p̂ = P/√ω, the same density reads Π (βω/2π) exp(−βω_k I_k), I_k = (q̂_k² + p̂_k²)/2). For a
// harmonic system in normal modes the exact T is then the orthogonal change to normal-mode
// coordinates alone.
// The flow T (latent -> physical) is symplectic, |det ∂T| = 1, so the model density of a
// physical state is exactly p(x) = q(T⁻¹x).
//
// Parameters: θ = [θ_flow, s] with s = ln ω (n entries) after the flow's parameters.
// Objectives (sums over the columns; the caller divides by the count):
//   nll:          Σ_j −ln q(T⁻¹ x_j)                                      (maximum likelihood)
//   free energy:  Σ_j [ln q(z_j) + β H(T(z_j))], Q = ε_Q/(ω√β), P = ε_P/√β, ε ~ N(0, 1)
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

// Σ_j [ln q(z_j) + β H(T(z_j))] with Q = ε_Q/(ω√β), P = ε_P/√β from the standard normal EPS
// (2n × B).
// If GRAD is not null, the reparameterised gradient ∂/∂θ is ADDED to it.
double density_free_energy(const Flow& flow, ConstVecRef theta, double beta,
                           const Hamiltonian& h, ConstMatRef eps, DensityWorkspace& ws,
                           Vec* grad);

// Exact −ln Z = Σ_k ln(βω_k/2π) of H = Σ_k (P_k² + ω_k² Q_k²)/2 (all ω_k > 0), phase-space
// measure dq dp.
double harmonic_minus_log_z(ConstVecRef omega, double beta);

}  // namespace hnn
