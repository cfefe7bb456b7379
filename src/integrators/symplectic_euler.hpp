// Semi-implicit (symplectic) Euler for a separable Hamiltonian H = T(p) + V(q), momentum first:
//   p ← p − h ∂V/∂q(q);  q ← q + h ∂T/∂p(p).
// Explicit, symplectic, first order. It is the update of the gym pendulum that produced the
// pixel-pendulum frames of the HNN reference (thdot += … dt; th += thdot·dt), kept as an option
// for reproducing that data; dopri5 integrates the same system exactly.
#pragma once

#include "integrators/leapfrog.hpp"

namespace hnn {

class SymplecticEuler : public FixedStepIntegrator {
 public:
  explicit SymplecticEuler(double dt) : FixedStepIntegrator(dt) {}
  std::string name() const override { return "symplectic_euler"; }
  int order() const override { return 1; }
  bool symplectic() const override { return true; }
  // Throws ConfigError unless f is a Hamiltonian with separable() true.
  void check(const VectorField& f) const override;
  void step(const VectorField& f, double h, VecRef x) override;  // one ∂V/∂q, one ∂T/∂p

 private:
  splitting::Work work_;
};

}  // namespace hnn
