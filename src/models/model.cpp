#include "models/model.hpp"

#include "core/error.hpp"

namespace hnn {

void Model::energy_and_gradient(ConstVecRef, ConstMatRef, Workspace&, MatRef, MatRef) const {
  throw ConfigError("model '" + kind() + "' has no learned Hamiltonian");
}

}  // namespace hnn
