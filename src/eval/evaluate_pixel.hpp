// `hnn evaluate` for a pixel model (kind "pixel_hnn" or "pixel_baseline", models/pixel_hnn.hpp):
// latent rollouts decoded to frames, against the true frames and states of the data set.
// Called by evaluate() on rank 0 when the model file holds a pixel model.
//
// [evaluate] keys (default): data (the training input's data set), n_rollouts (all test
// trajectories), rtol (1e-9; the latent rollouts use Dormand–Prince, rtol = atol), fit_degree
// (1: the reference's affine map; 2–4: a polynomial of that degree in z), energy_scale (1: the
// energies E below are the data's H; the reference's pendulum units, canonical p = θ̇/4 so that
// its H is about E/8, are energy_scale = 0.125).
// Rollout i starts from the encoding z_0 = enc([f_0; f_1]) of test trajectory i and follows the
// learned latent field f (time unit: one frame, as in training) to the states z_k, k = 0..T−1,
// T = n_time − 1; frame k of the rollout is the first half of dec(z_k).
// A fitted map from latent to state: the least-squares fit x ≈ A φ(z) of the true states x_k to
// the encodings z_k = enc([f_k; f_{k+1}]) of all training frames, φ(z) the monomials of z of
// degree ≤ fit_degree, constant first (degree 1: x ≈ A z + c, the reference's linear layer).
// Metrics (attributes of /metrics):
//   test_loss, test_reconstruction, test_coupling, test_dynamics   mean per test triple of the
//                       training loss and its three terms
//   dynamics_r2         1 − Σ‖Δz − f(z)‖² / Σ‖Δz‖² over the test pairs, Δz = z_{k+1} − z_k of the
//                       encodings: the share of the one-frame latent step the field explains
//   pixel_mse_autoencoder  mean over rollouts, frames and pixels of (dec(enc(x_k))_1 − f_k)²:
//                       the floor that no dynamics can beat
//   pixel_mse_rollout   the same for the rolled-out latents dec(z_k)_1
//   fit_rmse_q, fit_rmse_p  RMS error of the fitted map on the training encodings
//   energy_mse          mean over rollouts and times of (E(A φ(z_k)) − E(x_k))², E = energy_scale
//                       × the data's true H (the energy of the rollout through the fitted map);
//                       energy_mse_pm its "±" as the reference's (eval/metrics.hpp)
//   energy_drift_fit    mean over rollouts of |E(A φ(z_{T−1})) − E(A φ(z_0))|
//   latent_energy_drift pixel_hnn only: mean over rollouts of |H_θ(z_{T−1}) − H_θ(z_0)| /
//                       (std of H_θ over the z_0) — conserved up to the integrator's tolerance
// Output: /rollouts/{frames_true, frames_learned} float64 (n, T, P); /rollouts/z (n, T, dim);
// /rollouts/x_true, /rollouts/x_fit (n, T, dim); /fit/A (dim, number of monomials); /metrics; root
// attributes format = "hnn-pixel-evaluation", format_version = 1, model, model_file, data, and
// the provenance.
#pragma once

#include "eval/evaluate.hpp"
#include "io/config.hpp"
#include "io/provenance.hpp"
#include "models/model_file.hpp"

namespace hnn {

EvaluateSummary evaluate_pixel(const LoadedModel& m, Config& cfg, const std::string& data_default,
                               const EvaluateRequest& req, const Provenance& prov);

}  // namespace hnn
