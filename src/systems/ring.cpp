#include "systems/ring.hpp"

#include <cmath>
#include <numbers>

#include "systems/param_check.hpp"

namespace hnn {

namespace {

constexpr double kPi = std::numbers::pi;

void check(bool ok, const std::string& key, double value, const char* what) {
  check_param(ok, "ring", key, value, what);
}

// ∫₀^r t e^{−(t−R)²/σ} dt; r = ∞ gives the full radial integral.
double radial_integral(double r, double R, double sigma) {
  const double rs = std::sqrt(sigma);
  const double head = 0.5 * sigma * std::exp(-R * R / sigma);
  const double gauss = 0.5 * R * std::sqrt(kPi * sigma);
  if (std::isinf(r)) return head + gauss * std::erfc(-R / rs);
  return head - 0.5 * sigma * std::exp(-(r - R) * (r - R) / sigma) +
         gauss * (std::erf((r - R) / rs) + std::erf(R / rs));
}

}  // namespace

Ring::Ring(const RingParams& params) : p_(params) {
  check(std::isfinite(p_.radius) && p_.radius > 0, "radius", p_.radius, "must be > 0");
  check(std::isfinite(p_.width) && p_.width > 0, "width", p_.width, "must be > 0");
  check(std::isfinite(p_.temperature) && p_.temperature > 0, "temperature", p_.temperature,
        "must be > 0");
}

double Ring::energy(ConstVecRef x) const {
  const double d = std::hypot(x[0], x[1]) - p_.radius;
  return d * d / p_.width + 0.5 * (x[2] * x[2] + x[3] * x[3]);
}

void Ring::dT_dp(ConstVecRef p, VecRef out) const {
  out[0] = p[0];
  out[1] = p[1];
}

void Ring::dV_dq(ConstVecRef q, VecRef out) const {
  const double r = std::hypot(q[0], q[1]);
  if (r == 0.0) {  // the cone's tip: see the header
    out[0] = out[1] = 0.0;
    return;
  }
  const double f = 2.0 * (r - p_.radius) / (p_.width * r);
  out[0] = f * q[0];
  out[1] = f * q[1];
}

void Ring::gradient(ConstVecRef x, VecRef grad) const {
  Ring::dV_dq(x.head(2), grad.head(2));
  Ring::dT_dp(x.tail(2), grad.tail(2));
}

std::map<std::string, double> Ring::parameters() const {
  return {{"radius", p_.radius}, {"width", p_.width}, {"temperature", p_.temperature}};
}

Vec Ring::sample(Rng& rng) const {
  const double R = p_.radius, sigma = p_.width * p_.temperature;
  const double phi = rng.uniform(0.0, 2.0 * kPi);
  const double target = rng.uniform() * radial_integral(INFINITY, R, sigma);
  // The CDF is increasing from 0 at r = 0; at R + 40√σ it equals the total to rounding.
  double lo = 0.0, hi = R + 40.0 * std::sqrt(sigma);
  for (int it = 0; it < 200; ++it) {
    const double m = 0.5 * (lo + hi);
    if (m == lo || m == hi) break;
    (radial_integral(m, R, sigma) < target ? lo : hi) = m;
  }
  const double r = 0.5 * (lo + hi), st = std::sqrt(p_.temperature);
  Vec x(4);
  x << r * std::cos(phi), r * std::sin(phi), st * rng.normal(), st * rng.normal();
  return x;
}

double Ring::minus_log_z(double beta) const {
  const double zq = 2.0 * kPi * radial_integral(INFINITY, p_.radius, p_.width / beta);
  return -std::log(2.0 * kPi / beta * zq);
}

}  // namespace hnn
