// The classic fourth-order Runge–Kutta method (Kutta 1901), fixed step. Not symplectic: its
// energy error drifts over long runs; the reference explicit method for smooth non-stiff fields.
#pragma once

#include "integrators/integrator.hpp"

namespace hnn {

class Rk4 : public FixedStepIntegrator {
 public:
  explicit Rk4(double dt) : FixedStepIntegrator(dt) {}
  std::string name() const override { return "rk4"; }
  int order() const override { return 4; }

  // Four evaluations of f. Allocation-free once the work vectors have the size of f.
  void step(const VectorField& f, double h, VecRef x) override;

 private:
  Vec k1_, k2_, k3_, k4_, tmp_;  // sized on first use
};

}  // namespace hnn
