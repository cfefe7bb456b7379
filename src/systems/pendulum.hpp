// The ideal pendulum: one degree of freedom (angle q, angular momentum p),
// H = m g l (1 − cos q) + p²/(2 m l²). With the defaults (m = 0.5, l = 1, g = 6)
// H = 3(1 − cos q) + p², the reference HNN task.
#pragma once

#include <cmath>

#include "systems/system.hpp"

namespace hnn {

struct PendulumParams {
  double m = 0.5;      // bob mass, > 0
  double l = 1.0;      // rod length, > 0
  double g = 6.0;      // gravitational acceleration, > 0
  double r_min = 1.3;  // sampler radius range in the (q, p) plane, 0 <= r_min <= r_max
  double r_max = 2.3;
  // Sampler: "ring" (the HNN reference, above) or "angle" (the pixel-pendulum reference): the
  // angle q ~ ±U(theta_min, theta_max) (sign from a fair draw), the angular velocity
  // ω ~ U[−omega_max, omega_max), p = m l² ω.
  bool angle_sampler = false;
  double theta_min = 0.0, theta_max = 0.5235987755982988;  // π/6
  double omega_max = 1.0;
};

class Pendulum final : public System {
 public:
  // Throws ConfigError naming the first invalid parameter.
  explicit Pendulum(const PendulumParams& params = {});

  const PendulumParams& params() const { return p_; }

  int dim() const override { return 2; }
  double energy(ConstVecRef x) const override;
  void gradient(ConstVecRef x, VecRef grad) const override;
  // Ω∇H written out: (p / (m l²), −m g l sin q), the same rounding as gradient().
  void field(ConstVecRef x, VecRef dxdt) const override { field_inline(x.data(), dxdt.data()); }
  // field() on raw arrays of 2 doubles, inline so that Dopri5's fixed-size kernel inlines it.
  void field_inline(const double* x, double* dxdt) const {
    dxdt[0] = x[1] * inv_ml2_;
    dxdt[1] = -(mgl_ * std::sin(x[0]));
  }
  bool separable() const override { return true; }
  void dT_dp(ConstVecRef p, VecRef out) const override;  // p / (m l²)
  void dV_dq(ConstVecRef q, VecRef out) const override;  // m g l sin q

  std::string name() const override { return "pendulum"; }
  // m, l, g, and r_min, r_max (ring) or theta_min, theta_max, omega_max (angle sampler)
  std::map<std::string, double> parameters() const override;
  // Ring sampler: draws φ ~ U[0, 2π), then r ~ U[r_min, r_max); returns (q, p) = r (cos φ, sin φ).
  // Angle sampler: draws |q| ~ U[theta_min, theta_max), then the sign (u < ½: −), then
  // ω ~ U[−omega_max, omega_max); returns (q, m l² ω).
  Vec sample(Rng& rng) const override;

 private:
  PendulumParams p_;
  double mgl_, inv_ml2_;  // m g l and 1/(m l²)
};

}  // namespace hnn
