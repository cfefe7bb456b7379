#include "systems/pendulum.hpp"

#include <cmath>
#include <numbers>

#include "core/error.hpp"
#include "systems/param_check.hpp"

namespace hnn {

namespace {

void check(bool ok, const std::string& key, double value, const char* what) {
  check_param(ok, "pendulum", key, value, what);
}

}  // namespace

Pendulum::Pendulum(const PendulumParams& params) : p_(params) {
  check(std::isfinite(p_.m) && p_.m > 0, "m", p_.m, "must be > 0");
  check(std::isfinite(p_.l) && p_.l > 0, "l", p_.l, "must be > 0");
  check(std::isfinite(p_.g) && p_.g > 0, "g", p_.g, "must be > 0");
  check(std::isfinite(p_.r_min) && p_.r_min >= 0, "r_min", p_.r_min, "must be >= 0");
  check(std::isfinite(p_.r_max) && p_.r_max >= p_.r_min, "r_max", p_.r_max, "must be >= r_min");
  mgl_ = p_.m * p_.g * p_.l;
  inv_ml2_ = 1.0 / (p_.m * p_.l * p_.l);
}

double Pendulum::energy(ConstVecRef x) const {
  return p_.m * p_.g * p_.l * (1.0 - std::cos(x[0])) + x[1] * x[1] / (2.0 * p_.m * p_.l * p_.l);
}

void Pendulum::gradient(ConstVecRef x, VecRef grad) const {
  grad[0] = mgl_ * std::sin(x[0]);
  grad[1] = x[1] * inv_ml2_;
}

void Pendulum::dT_dp(ConstVecRef p, VecRef out) const { out[0] = p[0] * inv_ml2_; }

void Pendulum::dV_dq(ConstVecRef q, VecRef out) const { out[0] = mgl_ * std::sin(q[0]); }

std::map<std::string, double> Pendulum::parameters() const {
  return {{"m", p_.m}, {"l", p_.l}, {"g", p_.g}, {"r_min", p_.r_min}, {"r_max", p_.r_max}};
}

Vec Pendulum::sample(Rng& rng) const {
  const double phi = rng.uniform(0.0, 2.0 * std::numbers::pi);
  const double r = rng.uniform(p_.r_min, p_.r_max);
  Vec x(2);
  x << r * std::cos(phi), r * std::sin(phi);
  return x;
}

}  // namespace hnn
