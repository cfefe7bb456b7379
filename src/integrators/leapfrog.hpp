// Störmer–Verlet (leapfrog) for a separable Hamiltonian H = T(p) + V(q), in kick–drift–kick form:
//   p ← p − h/2 ∂V/∂q(q);  q ← q + h ∂T/∂p(p);  p ← p − h/2 ∂V/∂q(q).
// Explicit, symplectic, time-reversible, second order. Also the building block of the higher-order
// compositions (Yoshida4): the splitting helpers below are shared with them.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "integrators/integrator.hpp"

namespace hnn {

// Building blocks of the explicit symplectic methods for separable H = T(p) + V(q).
namespace splitting {

// f as a separable Hamiltonian. Throws ConfigError naming METHOD when f is not a Hamiltonian or
// its separable() is false.
const Hamiltonian& require_separable(const VectorField& f, std::string_view method);

// Work space of compose(): force = ∂V/∂q and velocity = ∂T/∂p, size n each.
struct Work {
  Vec force, velocity;
  void size_for(Eigen::Index n) {
    if (force.size() != n) {
      force.resize(n);
      velocity.resize(n);
    }
  }
};

// M steps, in place, of the symmetric composition of kick–drift–kick leapfrog substeps of sizes
// w[0]·h, w[1]·h, ..., w[s-1]·h (Leapfrog: w = {1}). Adjacent half kicks (the closing one of a
// substep and the opening one of the next, also across steps) act at the same q, so they are merged
// into one kick with one force evaluation: 1 + M·s evaluations of ∂V/∂q and M·s of ∂T/∂p. The
// result equals M separate steps up to round-off. Allocation-free once WORK is sized.
// Returns the number of ∂V/∂q and ∂T/∂p calls together.
long compose(const Hamiltonian& H, std::span<const double> w, double h, long m, VecRef x,
             Work& work);

}  // namespace splitting

class Leapfrog : public FixedStepIntegrator {
 public:
  explicit Leapfrog(double dt) : FixedStepIntegrator(dt) {}
  std::string name() const override { return "leapfrog"; }
  int order() const override { return 2; }
  bool symplectic() const override { return true; }

  // Throws ConfigError unless f is a Hamiltonian with separable() true.
  void check(const VectorField& f) const override;
  // One kick–drift–kick step (two ∂V/∂q, one ∂T/∂p).
  void step(const VectorField& f, double h, VecRef x) override;
  // M steps reusing the closing force of each step as the opening force of the next.
  void advance(const VectorField& f, double h, long m, VecRef x) override;

 private:
  splitting::Work work_;
};

}  // namespace hnn
