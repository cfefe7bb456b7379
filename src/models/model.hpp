// What the trainer trains: a loss over a batch of samples and its gradient in the parameters.
// Parameters are one flat float64 vector θ (the model keeps its own layout of views into it), so
// zeroing, the data-parallel allreduce and the optimizer each act on one buffer.
// A model does not know whether it runs on one rank or many: it sums over the columns it is
// given; the trainer adds up the sums of all ranks and divides by the global count.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"

namespace hnn {

class Model {
 public:
  // Per-thread scratch space of a model (caches of the forward pass); opaque to the trainer.
  struct Workspace {
    virtual ~Workspace() = default;
  };

  virtual ~Model() = default;
  virtual std::string kind() const = 0;  // "hnn", "baseline", ...
  virtual long n_params() const = 0;
  virtual int dim() const = 0;  // state dimension 2·dof
  virtual void init_params(Rng& rng, VecRef theta) const = 0;
  virtual std::unique_ptr<Workspace> make_workspace() const = 0;

  // Σ over the columns of X of Σ_i (predicted dx/dt − DXDT)_i², the squared error of the
  // predicted time derivative. If GRAD is not null, adds ∂(that sum)/∂θ to GRAD[0..n_params).
  // X, DXDT: (dim × n).
  virtual double sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt,
                                   Workspace& ws, double* grad) const = 0;

  // Predicted dx/dt at the columns of X (dim × n).
  virtual void predict_field(ConstVecRef theta, ConstMatRef x, Workspace& ws, MatRef out) const = 0;

  // Models with a learned Hamiltonian: H_θ (1 × n) and ∇_x H_θ (dim × n) at the columns of X.
  virtual bool has_energy() const { return false; }
  virtual void energy_and_gradient(ConstVecRef theta, ConstMatRef x, Workspace& ws, MatRef h,
                                   MatRef grad) const;

  // Models whose loss needs whole trajectories (symplectic flows, models/flow_model.hpp): the
  // trainer then draws trajectories, not samples (train/objective.hpp), and calls
  // trajectory_loss once per trajectory instead of sum_squared_error.
  virtual bool trains_on_trajectories() const { return false; }
  // The loss of one trajectory from its sampled states X (dim × m, in the order in which the loss
  // pairs them). If GRAD is not null, adds ∂loss/∂θ to GRAD[0..n_params). With
  // TERMS.angle_weight > 0 X is dim × 2m: the m sampled states, then the m states a time
  // TERMS.angle_dt after each of them, for the angle-rate term of flows/action_loss.hpp;
  // TERMS.relative_actions selects that file's relative action loss; TERMS.still_weight > 0 adds
  // its still-plane term on the planes TERMS.still_planes (0-based).
  struct TrajectoryTerms {
    double angle_weight = 0, angle_dt = 0;
    bool relative_actions = false;
    double still_weight = 0;
    std::vector<int> still_planes;
  };
  virtual double trajectory_loss(ConstVecRef theta, ConstMatRef x, const TrajectoryTerms& terms,
                                 Workspace& ws, double* grad) const;

  // Models that learn from images (models/pixel_hnn.hpp): the trainer then draws frame triples
  // (train/objective.hpp) and calls frame_loss. frame_pixels() is the size H·W of one frame
  // (0 for models of states).
  virtual long frame_pixels() const { return 0; }
  bool trains_on_frames() const { return frame_pixels() > 0 && rollout_length() == 0; }
  // Σ over the columns of the loss of the pair (x, x_next): X = [f_t; f_{t+1}] and
  // X_NEXT = [f_{t+1}; f_{t+2}] (2·frame_pixels × n). If GRAD is not null, adds ∂(sum)/∂θ.
  virtual double frame_loss(ConstVecRef theta, ConstMatRef x, ConstMatRef x_next, Workspace& ws,
                            double* grad) const;

  // Models that learn from whole rollouts of frames (models/hgn.hpp, the Hamiltonian Generative
  // Network): the trainer then draws trajectories and calls rollout_loss on the first
  // rollout_length() frames of each (0 for other models). noise_dim() values of N(0, 1) noise
  // per unit feed the reparameterised posterior.
  virtual long rollout_length() const { return 0; }
  bool trains_on_rollouts() const { return rollout_length() > 0; }
  virtual long noise_dim() const { return 0; }
  // The two terms of a rollout loss, each summed over the columns.
  struct RolloutParts {
    double reconstruction = 0, kl = 0;
  };
  // Σ over the columns of R + KL_WEIGHT·KL: R the mean squared pixel error of the rollout, KL the
  // posterior's KL divergence to the prior. FRAMES: (frame_pixels·rollout_length × n), the frames
  // of a unit stacked in time order; EPS: (noise_dim × n) fixed noise, or empty for the posterior
  // mean. If GRAD is not null, adds ∂(sum)/∂θ; PARTS (may be null) gets the summed terms.
  virtual double rollout_loss(ConstVecRef theta, ConstMatRef frames, ConstMatRef eps,
                              double kl_weight, Workspace& ws, double* grad,
                              RolloutParts* parts) const;
};

}  // namespace hnn
