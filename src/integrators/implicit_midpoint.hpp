// The implicit midpoint rule x1 = x0 + h f((x0 + x1)/2): the one-stage Gauss–Legendre method.
// Second order, symmetric, and symplectic for every Hamiltonian (separable or not), so it is the
// symplectic choice for learned non-separable models. It conserves quadratic invariants exactly.
//
// The stage k = f(x0 + h/2 k) (so that x1 = x0 + h k) is found by fixed-point iteration
//   k_0 = f(x0)  (explicit Euler predictor of the midpoint),  k_{j+1} = f(x0 + h/2 k_j),
// which contracts with factor ≈ h L / 2 (L the Lipschitz constant of f) and so needs h L < 2;
// each iteration costs one evaluation of f. It stops when h·max|k_{j+1} − k_j| (the change of x1)
// is ≤ tol·(1 + max|x0|), or when that change stops decreasing while already at round-off level.
#pragma once

#include "integrators/integrator.hpp"

namespace hnn {

struct ImplicitMidpointOptions {
  double tol = 1e-14;  // relative tolerance of the fixed-point iteration (see above)
  int max_iter = 100;  // iterations per step before NumericsError
};

class ImplicitMidpoint : public FixedStepIntegrator {
 public:
  explicit ImplicitMidpoint(double dt, ImplicitMidpointOptions opt = {});
  std::string name() const override { return "implicit_midpoint"; }
  int order() const override { return 2; }
  bool symplectic() const override { return true; }
  const ImplicitMidpointOptions& options() const { return opt_; }

  // One step. Throws NumericsError when the iteration does not converge in max_iter iterations
  // (the message names h and suggests a smaller dt). Allocation-free once sized, except for the
  // exception's message.
  void step(const VectorField& f, double h, VecRef x) override;

 private:
  ImplicitMidpointOptions opt_;
  Vec x0_, k_, k_new_, y_;  // sized on first use
};

}  // namespace hnn
