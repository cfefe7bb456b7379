// Yoshida's fourth-order symplectic method (Yoshida 1990; Forest & Ruth 1990): the symmetric
// composition of three leapfrog steps of sizes w1·h, w0·h, w1·h with
//   w1 = 1/(2 − 2^{1/3}) ≈ 1.3512,  w0 = −2^{1/3}/(2 − 2^{1/3}) ≈ −1.7024  (w0 + 2·w1 = 1).
// For separable H = T(p) + V(q). Three force evaluations per step (the kicks between substeps and
// between steps are merged, see splitting::compose in leapfrog.hpp).
#pragma once

#include <span>

#include "integrators/leapfrog.hpp"

namespace hnn {

class Yoshida4 : public FixedStepIntegrator {
 public:
  explicit Yoshida4(double dt) : FixedStepIntegrator(dt) {}
  std::string name() const override { return "yoshida4"; }
  int order() const override { return 4; }
  bool symplectic() const override { return true; }

  // The composition weights {w1, w0, w1}.
  static std::span<const double, 3> weights();

  // Throws ConfigError unless f is a Hamiltonian with separable() true.
  void check(const VectorField& f) const override;
  void step(const VectorField& f, double h, VecRef x) override;
  void advance(const VectorField& f, double h, long m, VecRef x) override;

 private:
  splitting::Work work_;
};

}  // namespace hnn
