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
  check(std::isfinite(p_.theta_min) && p_.theta_min >= 0, "theta_min", p_.theta_min, "must be >= 0");
  check(std::isfinite(p_.theta_max) && p_.theta_max >= p_.theta_min, "theta_max", p_.theta_max,
        "must be >= theta_min");
  check(std::isfinite(p_.omega_max) && p_.omega_max >= 0, "omega_max", p_.omega_max, "must be >= 0");
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
  if (p_.angle_sampler)
    return {{"m", p_.m},           {"l", p_.l},
            {"g", p_.g},           {"theta_min", p_.theta_min},
            {"theta_max", p_.theta_max}, {"omega_max", p_.omega_max}};
  return {{"m", p_.m}, {"l", p_.l}, {"g", p_.g}, {"r_min", p_.r_min}, {"r_max", p_.r_max}};
}

Vec Pendulum::sample(Rng& rng) const {
  if (p_.angle_sampler) {
    const double a = rng.uniform(p_.theta_min, p_.theta_max);
    const double q = rng.uniform() < 0.5 ? -a : a;
    const double w = rng.uniform(-p_.omega_max, p_.omega_max);
    Vec x(2);
    x << q, p_.m * p_.l * p_.l * w;
    return x;
  }
  const double phi = rng.uniform(0.0, 2.0 * std::numbers::pi);
  const double r = rng.uniform(p_.r_min, p_.r_max);
  Vec x(2);
  x << r * std::cos(phi), r * std::sin(phi);
  return x;
}

}  // namespace hnn
