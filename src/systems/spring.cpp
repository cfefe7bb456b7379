#include "systems/spring.hpp"

#include <cmath>
#include <numbers>

#include "core/error.hpp"
#include "systems/param_check.hpp"

namespace hnn {

namespace {

void check(bool ok, const std::string& key, double value, const char* what) {
  check_param(ok, "spring", key, value, what);
}

}  // namespace

Spring::Spring(const SpringParams& params) : p_(params) {
  check(std::isfinite(p_.k) && p_.k > 0, "k", p_.k, "must be > 0");
  check(std::isfinite(p_.m) && p_.m > 0, "m", p_.m, "must be > 0");
  check(std::isfinite(p_.r_min) && p_.r_min >= 0, "r_min", p_.r_min, "must be >= 0");
  check(std::isfinite(p_.r_max) && p_.r_max >= p_.r_min, "r_max", p_.r_max, "must be >= r_min");
  inv_m_ = 1.0 / p_.m;
}

double Spring::energy(ConstVecRef x) const {
  return x[1] * x[1] / (2.0 * p_.m) + 0.5 * p_.k * x[0] * x[0];
}

void Spring::gradient(ConstVecRef x, VecRef grad) const {
  grad[0] = p_.k * x[0];
  grad[1] = x[1] * inv_m_;
}

void Spring::dT_dp(ConstVecRef p, VecRef out) const { out[0] = p[0] * inv_m_; }

void Spring::dV_dq(ConstVecRef q, VecRef out) const { out[0] = p_.k * q[0]; }

std::map<std::string, double> Spring::parameters() const {
  return {{"k", p_.k}, {"m", p_.m}, {"r_min", p_.r_min}, {"r_max", p_.r_max}};
}

Vec Spring::sample(Rng& rng) const {
  const double phi = rng.uniform(0.0, 2.0 * std::numbers::pi);
  const double r = rng.uniform(p_.r_min, p_.r_max);
  Vec x(2);
  x << r * std::cos(phi), r * std::sin(phi);
  return x;
}

}  // namespace hnn
