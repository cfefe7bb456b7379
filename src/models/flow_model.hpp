// A symplectic flow (flows/flow.hpp) as a trainable Model: [model] kind = "flow", the other keys
// as in flows/flow.hpp. Trained on whole trajectories with the action-variable loss
// (flows/action_loss.hpp) of the pulled-back states T⁻¹(x(t_k)), plus optionally the angle-rate
// term of the same file; it has no vector field, so
// sum_squared_error and predict_field throw ConfigError.
// latent = "harmonic" (default "none") adds the harmonic latent of density estimation
// (flows/density.hpp): n more parameters s = ln ω after the flow's (initial 0, ω = 1), trained by
// the "likelihood" and "free_energy" objectives (train/objective.hpp); the action loss ignores
// them (gradient 0).
// zero_center layers run in evaluation mode in this objective: with their moving averages at the
// initial 0 they are learned translations (α, β), the same map in training and evaluation. Batch
// statistics (FlowMode::train, Flow::update_moving_averages) are for library callers.
#pragma once

#include <memory>

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
  double trajectory_loss(ConstVecRef theta, ConstMatRef x, const AngleRate& angle, Workspace& ws,
                         double* grad) const override;

  const Flow& flow() const { return *flow_; }
  // latent = "harmonic": θ = [θ_flow, ln ω].
  bool has_harmonic_latent() const { return harmonic_; }

 private:
  std::unique_ptr<Flow> flow_;
  bool harmonic_ = false;
};

}  // namespace hnn
