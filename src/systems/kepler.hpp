// The Kepler problem in the centre-of-mass frame (unit reduced mass): H = ½|p|² + k/r,
// r = |q|, in 2 or 3 dimensions; k < 0 is attraction. Also the conserved angular momentum
// L = q × p and Runge–Lenz vector A = p × L + k q/r (2D states embedded in the z = 0 plane),
// and the periapsis initial state of an orbit of eccentricity e and semi-major axis a.
// For k < 0 a bound orbit has E = k/(2a) = −|k|/(2a), |A| = |k| e, A·L = 0, A² = k² + 2 H L².
#pragma once

#include <vector>

#include <Eigen/Core>

#include "systems/system.hpp"

namespace hnn {

struct KeplerParams {
  int dim = 3;        // 2 or 3
  double k = -1.0;    // H = ½|p|² + k/r; the sampler and initial_state() need k < 0
  double e_min = 0.1;  // eccentricity range of the sampler, 0 <= e_min <= e_max < 1
  double e_max = 0.9;
  double a_min = 1.0;  // semi-major axis range of the sampler, 0 < a_min <= a_max
  double a_max = 1.0;
  // If non-empty, the sampler draws e uniformly from this list instead of from [e_min, e_max)
  // (each entry in [0, 1)).
  std::vector<double> eccentricities{};
};

class Kepler final : public System {
 public:
  // Throws ConfigError naming the first invalid parameter. (Any finite k != 0 is accepted
  // here; k < 0 is checked where it is needed.)
  explicit Kepler(const KeplerParams& params = {});

  const KeplerParams& params() const { return p_; }

  int dim() const override { return 2 * p_.dim; }
  double energy(ConstVecRef x) const override;
  void gradient(ConstVecRef x, VecRef grad) const override;
  // Ω∇H written out: (p, k q / r³), the same rounding as gradient().
  void field(ConstVecRef x, VecRef dxdt) const override;
  bool separable() const override { return true; }
  void dT_dp(ConstVecRef p, VecRef out) const override;  // p
  void dV_dq(ConstVecRef q, VecRef out) const override;  // −k q / r³

  // L = q × p; in 2D (0, 0, q_x p_y − q_y p_x).
  Eigen::Vector3d angular_momentum(ConstVecRef x) const;
  // A = p × L + k q / r, with 2D q and p embedded as (x, y, 0).
  Eigen::Vector3d runge_lenz(ConstVecRef x) const;
  // Periapsis state of the orbit (e, a) on the +x axis, moving in +y:
  // q = (a(1−e), 0[, 0]), p = (0, √(|k|(1+e)/(a(1−e)))[, 0]).
  // Throws ConfigError unless k < 0, 0 <= e < 1 and a > 0.
  Vec initial_state(double e, double a) const;

  std::string name() const override { return "kepler"; }
  // dim, k, e_min, e_max, a_min, a_max; with a list also n_eccentricities, eccentricity_<i>.
  std::map<std::string, double> parameters() const override;
  // Draws e ~ U[e_min, e_max) (or, with a list, index = ⌊U[0,1) · size⌋ and
  // e = eccentricities[index]), then a ~ U[a_min, a_max); returns initial_state(e, a).
  // Throws ConfigError unless k < 0.
  Vec sample(Rng& rng) const override;

 private:
  KeplerParams p_;
};

}  // namespace hnn
