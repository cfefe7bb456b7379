#include "integrators/symplectic_euler.hpp"

namespace hnn {

void SymplecticEuler::check(const VectorField& f) const {
  splitting::require_separable(f, "symplectic_euler");
}

void SymplecticEuler::step(const VectorField& f, double h, VecRef x) {
  const auto& H = static_cast<const Hamiltonian&>(f);  // check() has run
  const Eigen::Index n = H.dof();
  work_.size_for(n);
  H.dV_dq(x.head(n), work_.force);
  x.tail(n) -= h * work_.force;
  H.dT_dp(x.tail(n), work_.velocity);
  x.head(n) += h * work_.velocity;
  stats_.evals += 2;
}

}  // namespace hnn
