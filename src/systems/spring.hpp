// The harmonic oscillator ("spring" task): one degree of freedom, H = p²/(2m) + k q²/2.
// With the defaults (k = 2, m = 0.5) H = q² + p², the reference HNN task.
#pragma once

#include "systems/system.hpp"

namespace hnn {

struct SpringParams {
  double k = 2.0;      // spring constant, > 0
  double m = 0.5;      // mass, > 0
  double r_min = 0.1;  // sampler radius range in the (q, p) plane, 0 <= r_min <= r_max
  double r_max = 1.0;
};

class Spring final : public System {
 public:
  // Throws ConfigError naming the first invalid parameter.
  explicit Spring(const SpringParams& params = {});

  const SpringParams& params() const { return p_; }

  int dim() const override { return 2; }
  double energy(ConstVecRef x) const override;
  void gradient(ConstVecRef x, VecRef grad) const override;
  // Ω∇H written out: (p / m, −k q), the same rounding as gradient().
  void field(ConstVecRef x, VecRef dxdt) const override { field_inline(x.data(), dxdt.data()); }
  // field() on raw arrays of 2 doubles, inline so that Dopri5's fixed-size kernel inlines it.
  void field_inline(const double* x, double* dxdt) const {
    dxdt[0] = x[1] * inv_m_;
    dxdt[1] = -(p_.k * x[0]);
  }
  bool separable() const override { return true; }
  void dT_dp(ConstVecRef p, VecRef out) const override;  // p / m
  void dV_dq(ConstVecRef q, VecRef out) const override;  // k q

  std::string name() const override { return "spring"; }
  std::map<std::string, double> parameters() const override;  // k, m, r_min, r_max
  // Draws φ ~ U[0, 2π), then r ~ U[r_min, r_max); returns (q, p) = r (cos φ, sin φ).
  // (Uniform in angle in the (q, p) plane, whatever k and m are.)
  Vec sample(Rng& rng) const override;

 private:
  SpringParams p_;
  double inv_m_;  // 1/m
};

}  // namespace hnn
