// `hnn evaluate` for a symplectic flow (model kind "flow"): are the latent planes of the learned
// T action-angle planes on held-out trajectories? (flows/diagnostics.hpp.) Called by evaluate()
// on rank 0 when the model file holds a flow.
//
// [evaluate] keys (default): data (the training input's data set), split ("test" | "train").
// For every trajectory of the split, all its times, and every latent plane i:
//   r_mean, r_rel_std (std/mean of r_i = q̂_i² + p̂_i² over the times), omega (the learned
//   frequency, −slope of the unwrapped angle), angle_residual (max deviation from the line / 2π).
// A plane is active on a trajectory when its r_mean exceeds 1e-6 of the largest plane's (the
// zero mode of a periodic chain with zero total momentum stays at r = 0 and has no angle).
// Metrics (attributes of /metrics):
//   action_loss         mean over trajectories of (2/n) Σ_i var_t(r_i): the expected training
//                       loss over random pairings of the times
//   max_r_rel_std       max over trajectories and active planes of r_rel_std
//   mean_r_rel_std      mean over trajectories and active planes of r_rel_std
//   weighted_r_rel_std  mean over trajectories of Σ_i std_t(r_i) / Σ_i mean_t(r_i): not
//                       dominated by nearly empty planes, whose relative fluctuation means little
//   max_angle_residual  max over trajectories and active planes of angle_residual
//   symplectic_error    max |JᵀΩJ − Ω| of T⁻¹ at the first state of every trajectory (exact J)
//   omega_<i>           mean over trajectories where plane i is active of its omega (NaN if none)
//   omega_spread_<i>    max − min of those omegas
//   linear_max_rel_std, linear_mean_rel_std, linear_weighted_rel_std
//                       FPUT data only: the same three statistics for the linear normal-mode
//                       actions I_k = (P_k² + ω_k² Q_k²)/(2ω_k) (modes with ω_k > 0; for the
//                       first two, a mean action above 1e-6 of the largest): the baseline
// Output: /flow/{r_mean, r_rel_std, omega, angle_residual} float64 (n_traj, n), /metrics, and
// root attributes format = "hnn-flow-evaluation", format_version = 1, model, model_file, data,
// split, and the provenance.
#pragma once

#include "eval/evaluate.hpp"
#include "io/config.hpp"
#include "io/provenance.hpp"
#include "models/model_file.hpp"

namespace hnn {

EvaluateSummary evaluate_flow(const LoadedModel& m, Config& cfg, const std::string& data_default,
                              const EvaluateRequest& req, const Provenance& prov);

}  // namespace hnn
