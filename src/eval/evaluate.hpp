// `hnn evaluate`: the metrics of Greydanus et al. (2019) for a trained model file
// (shared/reference/hnn.md, "Evaluation"; formulas in eval/metrics.hpp).
//
// Input: the model file, optionally a TOML file with an [evaluate] section, and --set
// evaluate.key=value overrides. Keys (default):
//   data        the trajectory data set (the training input's [data] path, relative to where
//               hnn train ran, or else to the model file's directory)
//   energy      "system" (the true H of the data's system) | "q2p2" (q² + p², i.e. |x|²) |
//               "real_pendulum" (2.4(1 − cos q) + p², dim 2) | "none" (no energy metrics)
//   integrator  "dopri5" (the reference's adaptive RK45) with rtol, atol (1e-12 each) |
//               "implicit_midpoint" (symplectic for any H) with dt (required), tol (1e-14),
//               max_iter (100)
//   seed (0), n_rollouts (15, >= 5), t_end (20), n_times (100)   generated data only
//
// Metrics, all written as attributes of /metrics:
//   train_loss, test_loss (± as train_loss_pm, test_loss_pm): over the whole split, the mean
//     of the squared errors of the predicted dx/dt, all components; ± = std of all
//     squared-error entries / √(number of samples).
//   Rollouts. Generated data: n_rollouts initial states x0_i = system.sample(Rng(seed, 2⁴⁰ + i))
//     (the data's own sampler; streams disjoint from the data set's 0 .. n_traj − 1, so the
//     states are fresh even with the data's seed), times linspace(0, t_end, n_times); the
//     true trajectory by Dormand–Prince with rtol = atol = 1e-12, the learned one by the
//     chosen integrator on the model's field (Ω∇H_θ through LearnedHamiltonian for HNNs, the
//     predicted field for the baseline).
//     Measured data (system "measured"): no sampler and no true H; the rollouts start at the
//     first test sample and follow the test segment (with imported --as-points data, the test
//     points in order form one rollout; otherwise each test trajectory is one rollout), the
//     measured states are the "true" trajectory; evaluate.energy must then name a formula
//     ("real_pendulum" for the Schmidt & Lipson pendulum) or be "none".
//   state_mse = mean over rollouts, times, components of (x_learned − x_true)².
//   energy_mse = mean over rollouts and times of (E(x_learned) − E(x_true))², E the chosen
//     energy; energy_mse_pm = std of the means of 5 groups of the per-rollout means / √5.
//   energy_mse_q2p2 (and _pm): the same with E = q² + p², written beside energy_mse when the
//     system is the pendulum and energy = "system" (the reference measures q² + p² there).
//   energy_drift_true  = max over rollouts of |E(x_learned(t_end)) − E(x_learned(0))|.
//   energy_drift_model = max over rollouts of |H_θ(x_learned(t_end)) − H_θ(x_learned(0))|
//     (models with a learned H only).
//
// Output (HDF5, written atomically):
//   /rollouts/t                         float64 (n_times), or (n, n_times) when the rollouts
//                                       have different times (measured data)
//   /rollouts/x_true, /rollouts/x_learned  float64 (n, n_times, dim)
//   /rollouts/energy_true_on_true, /rollouts/energy_true_on_learned  (n, n_times), unless
//                                       energy = "none"
//   /rollouts/energy_model_on_learned   (n, n_times), models with a learned H only
//   /metrics                            group; the metrics above as scalar float64 attributes
//   root attributes: format = "hnn-evaluation", format_version = 1, model (kind), model_file,
//   data, system, energy, integrator, n_rollouts, n_times, and the provenance with input = the
//   resolved [evaluate] section.
//
// Other model kinds have evaluators of their own (their keys, metrics and outputs): pixel models
// (eval/evaluate_pixel.hpp), symplectic flows (eval/evaluate_flow.hpp), the Hamiltonian
// Generative Network (eval/evaluate_hgn.hpp).
//
// Parallelism: rank 0 does the work (OpenMP threads over loss chunks and over rollouts); the
// other ranks wait in the collective error agreement, so an error anywhere ends every rank.
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

namespace hnn {

struct EvaluateRequest {
  std::string model;                   // model file (hnn train's output)
  std::string input;                   // optional TOML file with an [evaluate] section
  std::vector<std::string> overrides;  // "evaluate.key=value"
  std::string output;
  bool overwrite = false;
  std::string command_line;
};

struct Metric {
  std::string name;
  double value = 0;
  bool has_pm = false;  // written as NAME_pm too
  double pm = 0;
};

struct EvaluateSummary {
  std::string output, model, system, energy, integrator;
  long n_rollouts = 0, n_times = 0;
  std::vector<Metric> metrics;
  std::vector<std::string> notes;
  double seconds = 0;
};

// Collective over COMM (the work is done on rank 0). Throws AgreedError on every rank for bad
// input, unreadable files or a failed integration; then no output file is left behind. The
// returned summary is filled on rank 0 only.
EvaluateSummary evaluate(const EvaluateRequest& req, MPI_Comm comm);

}  // namespace hnn
