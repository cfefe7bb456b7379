#include "systems/fput.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "core/error.hpp"
#include "systems/param_check.hpp"

namespace hnn {

namespace {

void check(bool ok, const std::string& key, double value, const char* what) {
  check_param(ok, "fput", key, value, what);
}

}  // namespace

Fput::Fput(const FputParams& params) : p_(params) {
  constexpr double pi = std::numbers::pi;
  check(p_.n >= 2, "n", p_.n, "must be >= 2");
  check(std::isfinite(p_.alpha), "alpha", p_.alpha, "must be finite");
  check(std::isfinite(p_.beta) && p_.beta >= 0, "beta", p_.beta, "must be >= 0");
  check(std::isfinite(p_.energy_scale_min) && p_.energy_scale_min >= 0, "energy_scale_min",
        p_.energy_scale_min, "must be >= 0");
  check(std::isfinite(p_.energy_scale_max) && p_.energy_scale_max >= p_.energy_scale_min,
        "energy_scale_max", p_.energy_scale_max, "must be >= energy_scale_min");
  check(std::isfinite(p_.temperature) && p_.temperature >= 0, "temperature", p_.temperature,
        "must be >= 0");
  check(p_.temperature == 0 || (p_.alpha == 0 && p_.beta == 0), "temperature", p_.temperature,
        "the canonical sampler is exact only for the linear chain: needs alpha = beta = 0");

  const int n = p_.n;
  omega_.resize(n);
  U_.resize(n, n);
  if (p_.periodic) {
    const double c0 = 1.0 / std::sqrt(static_cast<double>(n));
    const double c = std::sqrt(2.0 / n);
    for (int k = 0; k < n; ++k) omega_[k] = 2.0 * std::abs(std::sin(pi * k / n));
    U_.row(0).setConstant(c0);
    for (int k = 1; 2 * k < n; ++k) {
      for (int j = 0; j < n; ++j) {
        // Reduce k j mod n so that the argument stays in [0, 2π).
        const double theta = 2.0 * pi * static_cast<double>((k * j) % n) / n;
        U_(k, j) = c * std::cos(theta);
        U_(n - k, j) = c * std::sin(theta);
      }
    }
    if (n % 2 == 0)
      for (int j = 0; j < n; ++j) U_(n / 2, j) = (j % 2 == 0) ? c0 : -c0;
  } else {
    const double c = std::sqrt(2.0 / (n + 1));
    for (int k = 1; k <= n; ++k) {
      omega_[k - 1] = 2.0 * std::sin(pi * k / (2.0 * (n + 1)));
      for (int j = 1; j <= n; ++j) U_(k - 1, j - 1) = c * std::sin(pi * k * j / (n + 1.0));
    }
  }

  if (p_.mode_energies.empty()) {
    p_.mode_energies.assign(static_cast<std::size_t>(n), 0.0);
    p_.mode_energies[p_.periodic ? 1 : 0] = 1.0;
  }
  check(static_cast<int>(p_.mode_energies.size()) == n, "mode_energies (count)",
        static_cast<double>(p_.mode_energies.size()), "must equal n (one per normal mode)");
  for (int k = 0; k < n; ++k) {
    const double e = p_.mode_energies[static_cast<std::size_t>(k)];
    const std::string key = "mode_energies[" + std::to_string(k) + "]";
    check(std::isfinite(e) && e >= 0, key, e, "must be >= 0");
    check(omega_[k] > 0 || e == 0, key, e, "must be 0 (zero-frequency mode)");
  }
}

double Fput::energy(ConstVecRef x) const {
  const int n = p_.n;
  double h = 0.5 * x.tail(n).squaredNorm();
  for (int i = 0; i + 1 < n; ++i) h += spring_energy(x[i] - x[i + 1]);
  if (p_.periodic) {
    h += spring_energy(x[n - 1] - x[0]);
  } else {
    h += spring_energy(-x[0]) + spring_energy(x[n - 1]);
  }
  return h;
}

void Fput::dT_dp(ConstVecRef p, VecRef out) const { out = p; }

void Fput::dV_dq(ConstVecRef q, VecRef out) const {
  // Spring i joins masses i and i+1 with stretch d = q_i − q_{i+1}: it adds φ'(d) to ∂V/∂q_i and
  // −φ'(d) to ∂V/∂q_{i+1}.
  const int n = p_.n;
  double left;  // φ' of the spring left of mass 0
  if (p_.periodic) {
    left = force(q[n - 1] - q[0]);
  } else {
    left = force(-q[0]);
  }
  for (int i = 0; i < n; ++i) {
    double right;
    if (i + 1 < n) {
      right = force(q[i] - q[i + 1]);
    } else if (p_.periodic) {
      right = force(q[n - 1] - q[0]);
    } else {
      right = force(q[n - 1]);
    }
    out[i] = right - left;
    left = right;
  }
}

void Fput::gradient(ConstVecRef x, VecRef grad) const {
  const int n = p_.n;
  Fput::dV_dq(x.head(n), grad.head(n));
  Fput::dT_dp(x.tail(n), grad.tail(n));
}

void Fput::field(ConstVecRef x, VecRef dxdt) const {
  const int n = p_.n;
  for (int i = 0; i < n; ++i) dxdt[i] = x[n + i];
  // As dV_dq, with the difference the other way round.
  double left = p_.periodic ? force(x[n - 1] - x[0]) : force(-x[0]);
  for (int i = 0; i < n; ++i) {
    double right;
    if (i + 1 < n) {
      right = force(x[i] - x[i + 1]);
    } else if (p_.periodic) {
      right = force(x[n - 1] - x[0]);
    } else {
      right = force(x[n - 1]);
    }
    dxdt[n + i] = left - right;
    left = right;
  }
}

Vec Fput::linear_actions(ConstVecRef x) const {
  const int n = p_.n;
  const Vec Q = U_ * x.head(n);
  const Vec P = U_ * x.tail(n);
  Vec actions(n);
  for (int k = 0; k < n; ++k) {
    const double w = omega_[k];
    actions[k] = w > 0 ? (P[k] * P[k] + w * w * Q[k] * Q[k]) / (2.0 * w) : 0.0;
  }
  return actions;
}

std::map<std::string, double> Fput::parameters() const {
  std::map<std::string, double> m{{"n", p_.n},
                                  {"alpha", p_.alpha},
                                  {"beta", p_.beta},
                                  {"periodic", p_.periodic ? 1.0 : 0.0},
                                  {"energy_scale_min", p_.energy_scale_min},
                                  {"energy_scale_max", p_.energy_scale_max}};
  for (std::size_t k = 0; k < p_.mode_energies.size(); ++k)
    m["mode_energy_" + std::to_string(k)] = p_.mode_energies[k];
  if (p_.temperature > 0) m["temperature"] = p_.temperature;
  return m;
}

Vec Fput::sample(Rng& rng) const {
  const int n = p_.n;
  Vec Q = Vec::Zero(n), P = Vec::Zero(n);
  if (p_.temperature > 0) {
    const double st = std::sqrt(p_.temperature);
    for (int k = 0; k < n; ++k) {
      if (!(omega_[k] > 0)) continue;
      Q[k] = st / omega_[k] * rng.normal();
      P[k] = st * rng.normal();
    }
    Vec x(2 * n);
    x.head(n).noalias() = U_.transpose() * Q;
    x.tail(n).noalias() = U_.transpose() * P;
    return x;
  }
  const double s = rng.uniform(p_.energy_scale_min, p_.energy_scale_max);
  for (int k = 0; k < n; ++k) {
    const double w = omega_[k];
    if (!(w > 0)) continue;
    const double phi = rng.uniform(0.0, 2.0 * std::numbers::pi);
    const double amp = std::sqrt(2.0 * s * p_.mode_energies[static_cast<std::size_t>(k)]);
    Q[k] = amp / w * std::cos(phi);
    P[k] = -amp * std::sin(phi);
  }
  Vec x(2 * n);
  x.head(n).noalias() = U_.transpose() * Q;
  x.tail(n).noalias() = U_.transpose() * P;
  return x;
}

}  // namespace hnn
