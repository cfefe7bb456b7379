// The 2-D ring of Li, Dong, Zhang, Wang (2020; their density benchmark "Ring2D"): two degrees of
// freedom, x = (q_1, q_2, p_1, p_2),
//   H = (|q| − R)²/w + ½|p|²,
// R = radius, w = width (the published code: R = 2, w = 0.32). The Boltzmann density e^{−βH}/Z
// puts q on a ring of radius R and thickness ~√(w/β). Exact partition function (phase-space
// measure dq dp):
//   Z(β) = (2π/β) · 2π ∫₀^∞ r e^{−β(r−R)²/w} dr,
//   ∫₀^∞ r e^{−(r−R)²/σ} dr = (σ/2) e^{−R²/σ} + R √(πσ)/2 · erfc(−R/√σ),
// so −ln Z(1) = −4.3715491254 for the defaults (canonical-flows.md: −4.3715).
// At q = 0 the gradient of |q| is undefined (H is a cone there, a local maximum of the potential
// along every line through 0): gradient() returns ∂H/∂q = 0 at q = 0 exactly, the mean of its
// limits over all directions (and an element of the Clarke subdifferential), so no NaN arises.
#pragma once

#include "systems/system.hpp"

namespace hnn {

struct RingParams {
  double radius = 2.0;       // R > 0
  double width = 0.32;       // w > 0
  double temperature = 1.0;  // T > 0 of the sampler's canonical ensemble
};

class Ring final : public System {
 public:
  // Throws ConfigError naming the first invalid parameter.
  explicit Ring(const RingParams& params = {});

  const RingParams& params() const { return p_; }

  int dim() const override { return 4; }
  double energy(ConstVecRef x) const override;
  void gradient(ConstVecRef x, VecRef grad) const override;
  bool separable() const override { return true; }
  void dT_dp(ConstVecRef p, VecRef out) const override;  // p
  void dV_dq(ConstVecRef q, VecRef out) const override;  // 2(|q| − R)/w · q/|q|; 0 at q = 0

  std::string name() const override { return "ring"; }
  std::map<std::string, double> parameters() const override;  // radius, width, temperature
  // A draw from the canonical ensemble e^{−H/T}: φ ~ U[0, 2π) and |q| = r from the density
  // ∝ r e^{−(r−R)²/(wT)} on r ≥ 0 by inverting its closed-form CDF (bisection to machine
  // precision), then p ~ N(0, T) per component. Exact, so it serves the likelihood objective.
  Vec sample(Rng& rng) const override;

  // −ln Z(β) in closed form (above).
  double minus_log_z(double beta) const;

 private:
  RingParams p_;
};

}  // namespace hnn
