// A symplectic flow (flows/flow.hpp) as a trainable Model: [model] kind = "flow", the other keys
// as in flows/flow.hpp. Trained on whole trajectories with the action-variable loss
// (flows/action_loss.hpp) of the pulled-back states T⁻¹(x(t_k)), plus optionally the angle-rate
// term of the same file; it has no vector field, so
// sum_squared_error and predict_field throw ConfigError.
// latent = "harmonic" (default "none") adds the harmonic latent of density estimation
// (flows/density.hpp): n more parameters s = ln ω after the flow's (initial 0, ω = 1), trained by
// the "likelihood" and "free_energy" objectives (train/objective.hpp); the action loss ignores
// them (gradient 0).
// zero_center = "learned" | "batch" (default "learned") says how `hnn train` runs the zero_center
// layers (flows/zero_center.hpp):
//   learned  evaluation mode throughout: with their moving averages at the initial 0 they are
//            learned translations (α, β), the same map in training and evaluation.
//   batch    the reference's batch normalisation: in training each layer subtracts the batch mean
//            over the step's whole global minibatch (trajectory_batch_loss; the gradient goes
//            through the means) and the trajectories objective sets the moving averages after
//            every step; evaluation, the test loss, `hnn evaluate` and `hnn predict` use the
//            moving averages. Only the trajectories (action loss) objective supports it; it
//            needs at least one zero_center layer.
#pragma once

#include <memory>
#include <vector>

#include "flows/flow.hpp"
#include "models/model.hpp"

namespace hnn {

class FlowModel : public Model {
 public:
  FlowModel(const Section& s, int dim);
  std::string kind() const override { return "flow"; }
  long n_params() const override { return flow_->n_params() + (harmonic_ ? flow_->n() : 0); }
  int dim() const override { return flow_->dim(); }
  void init_params(Rng& rng, VecRef theta) const override;
  std::unique_ptr<Workspace> make_workspace() const override;
  double sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt, Workspace& ws,
                           double* grad) const override;
  void predict_field(ConstVecRef theta, ConstMatRef x, Workspace& ws, MatRef out) const override;
  bool trains_on_trajectories() const override { return true; }
  double trajectory_loss(ConstVecRef theta, ConstMatRef x, const TrajectoryTerms& terms,
                         Workspace& ws, double* grad) const override;

  // Σ_u ℓ(T⁻¹(X[u])) over a batch of trajectories (dim × τ_u each) with the zero_center layers
  // on batch means (Flow::batch_inverse; SUM adds per-unit partial sums over the whole batch);
  // if GRAD is not null, ADDS the gradient of that sum (per-unit terms in unit order). The
  // losses are added in unit order; the batch means are left in C.mu. RELATIVE_ACTIONS: ℓ_rel.
  double trajectory_batch_loss(ConstVecRef theta, const std::vector<Mat>& x,
                               const Flow::BatchSum& sum, Flow::BatchCache& c, double* grad,
                               bool relative_actions = false) const;
  // zero_center = "batch".
  bool batch_zero_center() const { return batch_zc_; }

  const Flow& flow() const { return *flow_; }
  // latent = "harmonic": θ = [θ_flow, ln ω].
  bool has_harmonic_latent() const { return harmonic_; }

 private:
  std::unique_ptr<Flow> flow_;
  bool harmonic_ = false;
  bool batch_zc_ = false;
};

}  // namespace hnn
