// `hnn evaluate` for a Hamiltonian Generative Network (model kind "hgn", models/hgn.hpp): the
// rollouts decoded from the posterior mean against the true frames, per frame, and the learned
// Hamiltonian along the latent leapfrog rollouts. Called by evaluate() on rank 0 when the model
// file holds an HGN.
//
// [evaluate] keys (default): data (the training input's data set), split ("test" | "train"),
// n_rollouts (all trajectories of the split, >= 2: the first ones of the split), n_pictures
// (min(4, n_rollouts), >= 0: rollouts whose frames are written), substeps (10, >= 2: the
// refined latent rollout of latent_energy_drift_fine).
// Rollout i is the one `hnn train` scores: the first T = rollout frames of trajectory i of the
// split, encoded from its first input_frames frames, z_0 = μ (the posterior mean, no noise),
// T − 1 leapfrog steps of H_θ, each q_t decoded. Per-rollout values are computed in fixed groups
// of 8 rollouts, so the figures do not depend on the thread count.
// Metrics (attributes of /metrics), P pixels per frame, n rollouts:
//   pixel_mse           mean over rollouts, frames and pixels of (x̂_t − f_t)²: the paper's metric
//                       (×1e4 in its tables); at the final parameters it is `hnn train`'s test loss
//   pixel_mse_pm        std (ddof 0) over rollouts of their pixel MSE / √n
//   mean_frame_mse      the same for the mean-frame predictor: every frame predicted by the
//                       per-pixel mean m of all n·T evaluated frames (a model that ignores the
//                       dynamics and the input frames; what a collapsed posterior learns)
//   repeat_first_mse    the same for predicting every frame of a rollout by its frame 0
//   h0_std              std (ddof 0) over rollouts of H_θ(z_0): the spread of the learned energy
//   latent_energy_drift       max over rollouts and t of |H_θ(z_t) − H_θ(z_0)| / h0_std
//   latent_energy_drift_mean  mean over rollouts of max_t |H_θ(z_t) − H_θ(z_0)| / h0_std
//   latent_energy_drift_fine  latent_energy_drift of the same rollouts (same z_0) taken with
//                       `substeps` leapfrog steps of dt/substeps per frame
//                       The exact flow of H_θ conserves it. The HGN's explicit leapfrog
//                       (models/latent_leapfrog.hpp) is the Störmer–Verlet method, symplectic
//                       with a bounded O(dt²) energy error, only for separable H = K(p) + V(q);
//                       H_θ is not separable, and the step is second order but not symplectic,
//                       so H_θ can drift along the model's own rollouts. The refined rollout
//                       tells integrator error (the fine drift falls by about substeps²) from
//                       anything else.
// Output (HDF5, written atomically):
//   /rollouts/index                      int64 (n): the trajectories (indices into the data set)
//   /rollouts/pixel_mse                  float64 (n, T): per rollout and frame, mean over pixels
//   /rollouts/pixel_mse_per_frame        float64 (T): its mean over rollouts (the error curve;
//                                        its mean is pixel_mse)
//   /rollouts/mean_frame_mse_per_frame, /rollouts/repeat_first_mse_per_frame  float64 (T)
//   /rollouts/mean_frame                 float64 (P): m
//   /rollouts/z                          float64 (n, T, dim): latent states (q, p)
//   /rollouts/energy                     float64 (n, T): H_θ(z_t)
//   /rollouts/energy_fine                float64 (n, T): H_θ along the refined rollout
//   /rollouts/frames_true, /rollouts/frames_learned  float64 (n_pictures, T, P): the first
//                                        n_pictures rollouts (scripts/plot_hgn_rollouts.py)
//   /metrics                             the metrics above
//   root attributes: format = "hnn-hgn-evaluation", format_version = 1, model, model_file, data,
//   split, n_rollouts, n_times (T), frame_height, frame_width, dt, substeps, and the provenance.
#pragma once

#include "eval/evaluate.hpp"
#include "io/config.hpp"
#include "io/provenance.hpp"
#include "models/model_file.hpp"

namespace hnn {

EvaluateSummary evaluate_hgn(const LoadedModel& m, Config& cfg, const std::string& data_default,
                             const EvaluateRequest& req, const Provenance& prov);

}  // namespace hnn
