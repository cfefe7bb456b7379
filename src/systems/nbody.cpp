#include "systems/nbody.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "core/error.hpp"
#include "systems/param_check.hpp"

namespace hnn {

namespace {

void check(bool ok, const std::string& key, double value, const char* what) {
  check_param(ok, "nbody", key, value, what);
}

[[noreturn]] void fail(const std::string& what) { throw ConfigError("nbody: " + what); }

// R(θ) v, counter-clockwise.
void rotate(const double v[2], double theta, double out[2]) {
  const double c = std::cos(theta), s = std::sin(theta);
  out[0] = c * v[0] - s * v[1];
  out[1] = s * v[0] + c * v[1];
}

}  // namespace

NBodyParams NBodyParams::reference(int bodies) {
  NBodyParams p;
  p.bodies = bodies;
  if (bodies == 2) {
    p.r_min = 0.5;
    p.r_max = 1.5;
    p.velocity_noise = 0.05;
  } else if (bodies == 3) {
    p.r_min = 0.9;
    p.r_max = 1.2;
    p.velocity_noise = 0.2;
  }
  return p;
}

NBody::NBody(const NBodyParams& params) : p_(params) {
  check(p_.bodies >= 2, "bodies", p_.bodies, "must be >= 2");
  check(p_.dim >= 1 && p_.dim <= 3, "dim", p_.dim, "must be 1, 2 or 3");
  check(std::isfinite(p_.G) && p_.G > 0, "G", p_.G, "must be > 0");
  if (p_.masses.empty()) p_.masses.assign(static_cast<std::size_t>(p_.bodies), 1.0);
  check(static_cast<int>(p_.masses.size()) == p_.bodies, "masses (count)",
        static_cast<double>(p_.masses.size()), "must equal bodies (one mass per body)");
  for (std::size_t i = 0; i < p_.masses.size(); ++i)
    check(std::isfinite(p_.masses[i]) && p_.masses[i] > 0, "masses[" + std::to_string(i) + "]",
          p_.masses[i], "must be > 0");
  const NBodyParams ref = NBodyParams::reference(p_.bodies);
  if (!p_.r_min) p_.r_min = ref.r_min;
  if (!p_.r_max) p_.r_max = ref.r_max;
  if (!p_.velocity_noise) p_.velocity_noise = ref.velocity_noise;
  if (p_.r_min) check(std::isfinite(*p_.r_min) && *p_.r_min > 0, "r_min", *p_.r_min, "must be > 0");
  if (p_.r_max)
    check(std::isfinite(*p_.r_max) && (!p_.r_min || *p_.r_max >= *p_.r_min), "r_max", *p_.r_max,
          "must be >= r_min");
  if (p_.velocity_noise)
    check(std::isfinite(*p_.velocity_noise) && *p_.velocity_noise >= 0, "velocity_noise",
          *p_.velocity_noise, "must be >= 0");
  inv_masses_.resize(p_.masses.size());
  for (std::size_t i = 0; i < p_.masses.size(); ++i) inv_masses_[i] = 1.0 / p_.masses[i];
}

double NBody::energy(ConstVecRef x) const {
  const int nb = p_.bodies, d = p_.dim, n = nb * d;
  double kinetic = 0.0;
  for (int i = 0; i < nb; ++i) {
    double p2 = 0.0;
    for (int c = 0; c < d; ++c) p2 += x[n + c * nb + i] * x[n + c * nb + i];
    kinetic += 0.5 * p2 * inv_masses_[i];
  }
  double potential = 0.0;
  for (int i = 0; i < nb; ++i) {
    for (int j = i + 1; j < nb; ++j) {
      double r2 = 0.0;
      for (int c = 0; c < d; ++c) {
        const double dq = x[c * nb + i] - x[c * nb + j];
        r2 += dq * dq;
      }
      potential -= p_.G * p_.masses[i] * p_.masses[j] / std::sqrt(r2);
    }
  }
  return kinetic + potential;
}

void NBody::dT_dp(ConstVecRef p, VecRef out) const {
  const int nb = p_.bodies;
  for (int c = 0; c < p_.dim; ++c)
    for (int i = 0; i < nb; ++i) out[c * nb + i] = p[c * nb + i] * inv_masses_[i];
}

void NBody::dV_dq(ConstVecRef q, VecRef out) const {
  const int nb = p_.bodies, d = p_.dim;
  out.setZero();
  for (int i = 0; i < nb; ++i) {
    for (int j = i + 1; j < nb; ++j) {
      double dq[3];
      double r2 = 0.0;
      for (int c = 0; c < d; ++c) {
        dq[c] = q[c * nb + i] - q[c * nb + j];
        r2 += dq[c] * dq[c];
      }
      const double s = p_.G * p_.masses[i] * p_.masses[j] / (r2 * std::sqrt(r2));
      for (int c = 0; c < d; ++c) {
        out[c * nb + i] += s * dq[c];
        out[c * nb + j] -= s * dq[c];
      }
    }
  }
}

void NBody::gradient(ConstVecRef x, VecRef grad) const {
  const int n = p_.bodies * p_.dim;
  NBody::dV_dq(x.head(n), grad.head(n));
  NBody::dT_dp(x.tail(n), grad.tail(n));
}

void NBody::field(ConstVecRef x, VecRef dxdt) const {
  // dq/dt = p_i / m_i; dp/dt = −∂V/∂q with the pair terms of dV_dq subtracted instead of added
  // (the same values: rounding is symmetric in sign).
  const int nb = p_.bodies, d = p_.dim, n = nb * d;
  for (int c = 0; c < d; ++c)
    for (int i = 0; i < nb; ++i) dxdt[c * nb + i] = x[n + c * nb + i] * inv_masses_[i];
  double* dp = dxdt.data() + n;
  std::fill(dp, dp + n, 0.0);
  for (int i = 0; i < nb; ++i) {
    for (int j = i + 1; j < nb; ++j) {
      double dq[3];
      double r2 = 0.0;
      for (int c = 0; c < d; ++c) {
        dq[c] = x[c * nb + i] - x[c * nb + j];
        r2 += dq[c] * dq[c];
      }
      const double s = p_.G * p_.masses[i] * p_.masses[j] / (r2 * std::sqrt(r2));
      for (int c = 0; c < d; ++c) {
        dp[c * nb + i] -= s * dq[c];
        dp[c * nb + j] += s * dq[c];
      }
    }
  }
}

Eigen::VectorXd NBody::total_momentum(ConstVecRef x) const {
  const int nb = p_.bodies, d = p_.dim, n = nb * d;
  Eigen::VectorXd total = Eigen::VectorXd::Zero(d);
  for (int c = 0; c < d; ++c)
    for (int i = 0; i < nb; ++i) total[c] += x[n + c * nb + i];
  return total;
}

Eigen::VectorXd NBody::centre_of_mass(ConstVecRef x) const {
  const int nb = p_.bodies, d = p_.dim;
  Eigen::VectorXd com = Eigen::VectorXd::Zero(d);
  double mass = 0.0;
  for (int i = 0; i < nb; ++i) mass += p_.masses[i];
  for (int c = 0; c < d; ++c) {
    for (int i = 0; i < nb; ++i) com[c] += p_.masses[i] * x[c * nb + i];
    com[c] /= mass;
  }
  return com;
}

std::map<std::string, double> NBody::parameters() const {
  std::map<std::string, double> m{{"bodies", p_.bodies},
                                  {"dim", p_.dim},
                                  {"G", p_.G},
                                  {"zero_momentum", p_.zero_momentum ? 1.0 : 0.0}};
  for (std::size_t i = 0; i < p_.masses.size(); ++i)
    m["mass_" + std::to_string(i)] = p_.masses[i];
  if (p_.r_min) m["r_min"] = *p_.r_min;
  if (p_.r_max) m["r_max"] = *p_.r_max;
  if (p_.velocity_noise) m["velocity_noise"] = *p_.velocity_noise;
  return m;
}

void NBody::store(Vec& x, int body, const double q[2], const double v[2]) const {
  const int nb = p_.bodies, n = 2 * nb;
  const double m = p_.masses[static_cast<std::size_t>(body)];
  x[body] = q[0];
  x[nb + body] = q[1];
  x[n + body] = m * v[0];
  x[n + nb + body] = m * v[1];
}

Vec NBody::sample(Rng& rng) const {
  if (p_.dim != 2)
    fail("no sampler for dim = " + std::to_string(p_.dim) + " (only dim = 2)");
  if (p_.bodies != 2 && p_.bodies != 3)
    fail("no sampler for bodies = " + std::to_string(p_.bodies) + " (only 2 or 3)");
  if (!p_.r_min || !p_.r_max || !p_.velocity_noise)
    fail("the sampler needs r_min, r_max and velocity_noise");
  const double r_min = *p_.r_min, r_max = *p_.r_max, noise = *p_.velocity_noise;
  const int nb = p_.bodies;
  Vec x(4 * nb);
  if (nb == 2) {
    double pos[2];
    pos[0] = rng.uniform(r_min, r_max);
    pos[1] = rng.uniform(r_min, r_max);
    const double r = std::sqrt(pos[0] * pos[0] + pos[1] * pos[1]);
    const double f = (1.0 + noise * rng.normal()) / (2.0 * r * std::sqrt(r));
    const double vel[2] = {-pos[1] * f, pos[0] * f};
    const double pos2[2] = {-pos[0], -pos[1]}, vel2[2] = {-vel[0], -vel[1]};
    store(x, 0, pos, vel);
    store(x, 1, pos2, vel2);
  } else {
    constexpr double pi = std::numbers::pi;
    const double phi = rng.uniform(0.0, 2.0 * pi);
    const double r = rng.uniform(r_min, r_max);
    double q[3][2], v[3][2];
    q[0][0] = r * std::cos(phi);
    q[0][1] = r * std::sin(phi);
    rotate(q[0], 2.0 * pi / 3.0, q[1]);
    rotate(q[1], 2.0 * pi / 3.0, q[2]);
    const double c = std::cos(pi / 6.0);
    const double scale = std::sqrt(std::sin(pi / 3.0) / (2.0 * c * c)) / (r * std::sqrt(r));
    v[0][0] = -q[0][1] * scale;  // R(π/2) q_1, exactly
    v[0][1] = q[0][0] * scale;
    rotate(v[0], 2.0 * pi / 3.0, v[1]);
    rotate(v[1], 2.0 * pi / 3.0, v[2]);
    for (auto& vi : v)
      for (double& vic : vi) vic *= 1.0 + noise * rng.uniform(-1.0, 1.0);
    for (int i = 0; i < 3; ++i) store(x, i, q[i], v[i]);
  }
  if (p_.zero_momentum) {  // p_i -= m_i P / M
    double mass = 0.0;
    for (double m : p_.masses) mass += m;
    for (int c = 0; c < 2; ++c) {
      double total = 0.0;
      for (int i = 0; i < nb; ++i) total += x[2 * nb + c * nb + i];
      for (int i = 0; i < nb; ++i) x[2 * nb + c * nb + i] -= p_.masses[i] * total / mass;
    }
  }
  return x;
}

}  // namespace hnn
