#include "systems/system.hpp"

#include "core/error.hpp"

namespace hnn {

void Hamiltonian::field(ConstVecRef x, VecRef dxdt) const {
  gradient(x, dxdt);
  const int n = dof();
  for (int i = 0; i < n; ++i) {  // (g_q, g_p) -> (g_p, -g_q)
    const double gq = dxdt[i];
    dxdt[i] = dxdt[n + i];
    dxdt[n + i] = -gq;
  }
}

void Hamiltonian::dT_dp(ConstVecRef, VecRef) const {
  throw NumericsError("dT_dp called on a non-separable Hamiltonian");
}

void Hamiltonian::dV_dq(ConstVecRef, VecRef) const {
  throw NumericsError("dV_dq called on a non-separable Hamiltonian");
}

}  // namespace hnn
