// What the training loop minimises (train/trainer.hpp), over the data a rank holds. Two kinds,
// chosen by the model:
//   samples       (Model::sum_squared_error; HNN, baseline): units are samples (x, dx/dt); the
//                 step's global minibatch is minibatch(seed, step) (train/batches.hpp); the mean
//                 is over batch·dim.
//   trajectories  (Model::trajectory_loss; flows): units are trajectories, drawn epoch by epoch
//                 (epoch_batch: a new permutation of the training trajectories every epoch);
//                 each trajectory's time samples are shuffled every step (a stream of its own,
//                 so the pairing of times in the loss changes every step), and `times` of them
//                 are kept (0: all); the mean is over the trajectories of the batch.
//                 A flow with [model] zero_center = "batch" (models/flow_model.hpp) couples the
//                 batch through the zero_center means: the step is one batch pass over this
//                 rank's trajectories (FlowModel::trajectory_batch_loss) whose partial sums are
//                 gathered from every rank through `allreduce` and added in the batch's order,
//                 so the means, like the draws, do not depend on the rank or thread count; after
//                 the optimizer step update_buffers sets the moving averages in θ from them.
//   frames        (Model::frame_loss; pixel models): units are frame triples (f_k, f_{k+1},
//                 f_{k+2}) of a trajectory, k = 0..n_time−3; minibatches as for samples; the
//                 mean is over the triples of the batch.
//   rollouts      (Model::rollout_loss; the HGN, models/hgn.hpp): units are trajectories, each
//                 its first rollout_length() frames; minibatch(seed, step) over the training
//                 trajectories; the posterior noise ε of training unit u at step s is drawn from
//                 Rng(seed, (s + 1)·2³² + u) (noise_dim normals). The loss is R + w·KL with the
//                 KL weight w set by GECO (train/geco.hpp) from the global mean R of each step
//                 (one extra allreduced sum; its state is checkpointed); mean over the batch.
//                 The test loss is the mean pixel MSE of the rollouts decoded from the posterior
//                 mean (no noise, no KL): the HGN paper's metric.
// Density estimation (flows/density.hpp; [model] kind = "flow" with latent = "harmonic"):
//   likelihood    units are phase-space samples (every time sample of the data set's trajectories,
//                 e.g. draws from the canonical ensemble); the step's global minibatch is
//                 minibatch(seed, step) as for samples; the loss is the mean −ln p(x) in nats.
//   free_energy   no data: units are latent samples z = (Q, P) = (ε_Q/(ω√β), ε_P/√β),
//                 ε ~ N(0, 1), column j of step s drawn from Rng(seed, (s + 1)·2³² + j), `batch` of them per step (split over
//                 the ranks by shard_of); the loss is the mean of ln q(z) + β H(T(z)) for the
//                 system's H, an upper bound on −ln Z (nats). Its test value is the same mean on
//                 `test_samples` fixed draws (Rng(seed, 2⁶² + j)).
// Both sum over fixed chunks of `chunk` columns (one OpenMP task each, added in chunk order).
// Each rank reads only its shard of the trajectories and sums over the units of the global
// minibatch that it holds; the trainer allreduces the sums. All draws are functions of (seed,
// step, unit index) alone, so the result does not depend on the rank or thread count, and a
// restart continues the sequence exactly.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "data/trajectory_reader.hpp"
#include "models/model.hpp"
#include "systems/system.hpp"
#include "train/geco.hpp"

namespace hnn {

struct ObjectiveOptions {
  std::uint64_t seed = 0;
  long batch = 0;   // units per step (samples or trajectories); 0 = all
  long chunk = 256;  // samples per thread chunk (samples objective)
  long times = 0;   // time samples per trajectory and step (trajectories objective); 0 = all
  double angle_weight = 0;  // trajectories objective: weight of the angle-rate term (0: none)
  long angle_lag = 1;        // its pairs are this many time samples apart
  bool relative_actions = false;  // trajectories objective: ℓ_rel (flows/action_loss.hpp)
  double still_weight = 0;         // trajectories objective: the still-plane term (0: none)
  std::vector<int> still_planes;   // on these planes (0-based)
  std::string kind;  // "" (by the model: samples | trajectories), "likelihood", "free_energy"
  double beta = 1.0;      // inverse temperature (likelihood, free_energy)
  long test_samples = 0;  // free_energy: latent samples of the test estimate
  GecoOptions geco;       // rollouts: the KL weight
  // Element-wise sum over all ranks of N doubles in place (MPI_Allreduce; the trainer's). Empty:
  // one process. Used by objectives whose units are coupled within a step (zero_center batch).
  std::function<void(double*, long)> allreduce;
};

class Objective {
 public:
  virtual ~Objective() = default;
  // This rank's part of the loss sum of step STEP's global minibatch; if GRAD is not null it is
  // set to this rank's part of the gradient sum (size n_params).
  virtual double step_sum(const Vec& theta, long step, Vec* grad) = 0;
  // Factor that turns the global sum of step STEP into the mean loss.
  virtual double step_norm(long step) const = 0;
  // The same over this rank's part of the whole test set (no gradient), and its factor (NaN
  // without a test set).
  virtual double test_sum(const Vec& theta) = 0;
  virtual double test_norm() const = 0;
  virtual std::int64_t n_train() const = 0;  // units, globally
  virtual std::int64_t n_test() const = 0;
  // For the start-up line: "750 train / 250 test samples (spring.h5); batch 750".
  virtual std::string describe() const = 0;

  // Objectives with a state that follows the global loss (the rollouts objective's GECO):
  // N_EXTRA sums per step, allreduced with the loss; extra_sums writes this rank's after
  // step_sum; end_step gets the global ones and the step's norm (identically on every rank).
  virtual int n_extra() const { return 0; }
  virtual void extra_sums(double*) const {}
  virtual void end_step(const double*, double) {}
  // That state, for checkpoints (empty: none), and a note for the progress line.
  virtual std::vector<double> state() const { return {}; }
  virtual void set_state(const std::vector<double>&) {}
  virtual std::string progress() const { return ""; }
  // After the optimizer step of step_sum's step (identically on every rank, before any
  // checkpoint): objectives whose θ holds statistics of the step write them (the zero_center
  // moving averages in batch mode; the optimizer's change to those buffers is undone).
  virtual void update_buffers(Vec&) {}
};

// Reads this rank's shard of the training and test trajectories. Throws IoError when the
// training split is empty, ConfigError when options.kind = "likelihood" and the model is not a
// flow with a harmonic latent or has zero_center = "batch" (or options.kind = "free_energy": see
// below).
std::unique_ptr<Objective> make_objective(const Model& model, const TrajectoryFileInfo& info,
                                          const ObjectiveOptions& options, int rank, int size);

// The free_energy objective of H (options.batch > 0 latent samples per step). Throws ConfigError
// unless the model is a flow with a harmonic latent of H's dimension (and zero_center = "learned").
// H must outlive it.
std::unique_ptr<Objective> make_free_energy_objective(const Model& model, const Hamiltonian& h,
                                                      const ObjectiveOptions& options, int rank,
                                                      int size);

}  // namespace hnn
