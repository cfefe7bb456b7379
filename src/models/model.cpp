#include "models/model.hpp"

#include "core/error.hpp"

namespace hnn {

void Model::energy_and_gradient(ConstVecRef, ConstMatRef, Workspace&, MatRef, MatRef) const {
  throw ConfigError("model '" + kind() + "' has no learned Hamiltonian");
}

double Model::trajectory_loss(ConstVecRef, ConstMatRef, const TrajectoryTerms&, Workspace&,
                              double*) const {
  throw ConfigError("model '" + kind() + "' is not trained on whole trajectories");
}

double Model::frame_loss(ConstVecRef, ConstMatRef, ConstMatRef, Workspace&, double*) const {
  throw ConfigError("model '" + kind() + "' is not trained on frames");
}

double Model::rollout_loss(ConstVecRef, ConstMatRef, ConstMatRef, double, Workspace&, double*,
                           RolloutParts*) const {
  throw ConfigError("model '" + kind() + "' is not trained on rollouts of frames");
}

}  // namespace hnn
