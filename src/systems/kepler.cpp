#include "systems/kepler.hpp"

#include <cmath>
#include <string>

#include <Eigen/Geometry>

#include "core/error.hpp"
#include "systems/param_check.hpp"

namespace hnn {

namespace {

void check(bool ok, const std::string& key, double value, const char* what) {
  check_param(ok, "kepler", key, value, what);
}

bool is_eccentricity(double e) { return std::isfinite(e) && e >= 0.0 && e < 1.0; }

}  // namespace

Kepler::Kepler(const KeplerParams& params) : p_(params) {
  check(p_.dim == 2 || p_.dim == 3, "dim", p_.dim, "must be 2 or 3");
  check(std::isfinite(p_.k) && p_.k != 0.0, "k", p_.k, "must be finite and non-zero");
  check(is_eccentricity(p_.e_min), "e_min", p_.e_min, "must be in [0, 1)");
  check(is_eccentricity(p_.e_max) && p_.e_max >= p_.e_min, "e_max", p_.e_max,
        "must be in [e_min, 1)");
  check(std::isfinite(p_.a_min) && p_.a_min > 0, "a_min", p_.a_min, "must be > 0");
  check(std::isfinite(p_.a_max) && p_.a_max >= p_.a_min, "a_max", p_.a_max, "must be >= a_min");
  for (std::size_t i = 0; i < p_.eccentricities.size(); ++i)
    check(is_eccentricity(p_.eccentricities[i]), "eccentricities[" + std::to_string(i) + "]",
          p_.eccentricities[i], "must be in [0, 1)");
}

double Kepler::energy(ConstVecRef x) const {
  const int d = p_.dim;
  return 0.5 * x.tail(d).squaredNorm() + p_.k / x.head(d).norm();
}

void Kepler::dT_dp(ConstVecRef p, VecRef out) const { out = p; }

void Kepler::dV_dq(ConstVecRef q, VecRef out) const {
  double r2 = 0.0;  // summed in order, as in field()
  for (Eigen::Index c = 0; c < q.size(); ++c) r2 += q[c] * q[c];
  const double c = -p_.k / (r2 * std::sqrt(r2));
  out = c * q;
}

void Kepler::gradient(ConstVecRef x, VecRef grad) const {
  const int d = p_.dim;
  Kepler::dV_dq(x.head(d), grad.head(d));
  Kepler::dT_dp(x.tail(d), grad.tail(d));
}

void Kepler::field(ConstVecRef x, VecRef dxdt) const {
  const int d = p_.dim;
  double r2 = 0.0;
  for (int c = 0; c < d; ++c) r2 += x[c] * x[c];
  const double s = p_.k / (r2 * std::sqrt(r2));  // −(−k / r³): dV_dq's factor, negated
  for (int c = 0; c < d; ++c) {
    dxdt[c] = x[d + c];
    dxdt[d + c] = s * x[c];
  }
}

namespace {

void embed(ConstVecRef x, int d, Eigen::Vector3d& q, Eigen::Vector3d& p) {
  q.setZero();
  p.setZero();
  q.head(d) = x.head(d);
  p.head(d) = x.tail(d);
}

}  // namespace

Eigen::Vector3d Kepler::angular_momentum(ConstVecRef x) const {
  Eigen::Vector3d q, p;
  embed(x, p_.dim, q, p);
  return q.cross(p);
}

Eigen::Vector3d Kepler::runge_lenz(ConstVecRef x) const {
  Eigen::Vector3d q, p;
  embed(x, p_.dim, q, p);
  return p.cross(q.cross(p)) + (p_.k / q.norm()) * q;
}

Vec Kepler::initial_state(double e, double a) const {
  check(p_.k < 0, "k", p_.k, "must be < 0 (attractive) for bound initial states");
  check(is_eccentricity(e), "e", e, "must be in [0, 1)");
  check(std::isfinite(a) && a > 0, "a", a, "must be > 0");
  const int d = p_.dim;
  Vec x = Vec::Zero(2 * d);
  x[0] = a * (1.0 - e);
  x[d + 1] = std::sqrt(-p_.k * (1.0 + e) / (a * (1.0 - e)));
  return x;
}

std::map<std::string, double> Kepler::parameters() const {
  std::map<std::string, double> m{{"dim", p_.dim},     {"k", p_.k},         {"e_min", p_.e_min},
                                  {"e_max", p_.e_max}, {"a_min", p_.a_min}, {"a_max", p_.a_max}};
  if (!p_.eccentricities.empty()) {
    m["n_eccentricities"] = static_cast<double>(p_.eccentricities.size());
    for (std::size_t i = 0; i < p_.eccentricities.size(); ++i)
      m["eccentricity_" + std::to_string(i)] = p_.eccentricities[i];
  }
  return m;
}

Vec Kepler::sample(Rng& rng) const {
  check(p_.k < 0, "k", p_.k, "must be < 0 (attractive) to sample bound orbits");
  double e;
  if (p_.eccentricities.empty()) {
    e = rng.uniform(p_.e_min, p_.e_max);
  } else {
    const auto size = p_.eccentricities.size();
    auto index = static_cast<std::size_t>(std::floor(rng.uniform() * static_cast<double>(size)));
    if (index >= size) index = size - 1;  // cannot happen for uniform() < 1; kept as a guard
    e = p_.eccentricities[index];
  }
  const double a = rng.uniform(p_.a_min, p_.a_max);
  return initial_state(e, a);
}

}  // namespace hnn
