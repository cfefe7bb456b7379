// The interfaces every dynamical system and every integrator works with.
//
// State layout: x = (q_1..q_n, p_1..p_n), size 2n; n = dof(). For N bodies in d dimensions,
// q = (q_x of bodies 1..N, q_y of bodies 1..N, ...) and p likewise.
// Hamilton's equations: dq/dt = ∂H/∂p, dp/dt = -∂H/∂q, i.e. dx/dt = Ω ∇H with Ω = [[0, 1], [-1, 0]].
#pragma once

#include <map>
#include <string>

#include "core/rng.hpp"
#include "core/types.hpp"

namespace hnn {

// Anything an integrator can follow: an autonomous ODE dx/dt = f(x).
class VectorField {
 public:
  virtual ~VectorField() = default;
  virtual int dim() const = 0;                             // size of x
  virtual void field(ConstVecRef x, VecRef dxdt) const = 0;  // dxdt = f(x)
};

// A Hamiltonian vector field: f = Ω ∇H. Known systems and (later) learned models implement it.
class Hamiltonian : public VectorField {
 public:
  int dof() const { return dim() / 2; }
  virtual double energy(ConstVecRef x) const = 0;             // H(x)
  virtual void gradient(ConstVecRef x, VecRef grad) const = 0;  // ∇H(x), size 2n
  // Ω ∇H, computed through gradient() without allocating.
  void field(ConstVecRef x, VecRef dxdt) const override;

  // Separable H = T(p) + V(q): what the explicit symplectic integrators need.
  virtual bool separable() const { return false; }
  virtual void dT_dp(ConstVecRef p, VecRef out) const;  // size n; throws unless separable()
  virtual void dV_dq(ConstVecRef q, VecRef out) const;  // size n; throws unless separable()
};

// A known physical system: a Hamiltonian with a name, parameters and a sampler of initial states.
class System : public Hamiltonian {
 public:
  virtual std::string name() const = 0;
  // Parameter values as stored in output files' attributes (name -> value).
  virtual std::map<std::string, double> parameters() const = 0;
  // Draws one initial state from the system's documented distribution. Uses only RNG, so a
  // trajectory's initial state depends on (seed, trajectory index) alone.
  virtual Vec sample(Rng& rng) const = 0;
};

}  // namespace hnn
