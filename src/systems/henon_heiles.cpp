#include "systems/henon_heiles.hpp"

#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace hnn {

namespace {

double potential_on_axis(double y) { return 0.5 * y * y - y * y * y / 3.0; }  // V(0, y)

// The root of V(0, y) = e between a (V < e) and b (V > e), by bisection to machine precision.
double bisect(double e, double a, double b) {
  for (int it = 0; it < 200; ++it) {
    const double m = 0.5 * (a + b);
    if (m == a || m == b) break;
    (potential_on_axis(m) < e ? a : b) = m;
  }
  return a;  // V(0, a) < e: the returned point is inside the allowed region
}

}  // namespace

HenonHeiles::HenonHeiles(const HenonHeilesParams& params) : p_(params) {
  const double e = p_.energy;
  if (!(std::isfinite(e) && e > 0.0 && e < 1.0 / 6.0)) {
    std::ostringstream msg;
    msg.precision(12);
    msg << "henon_heiles: energy = " << e << " must be in (0, 1/6) for bounded orbits";
    throw ConfigError(msg.str());
  }
  // V(0, y) increases on [−1, 0] ↓ and on [0, 1] ↑ from 0 to at least 1/6 (V(0, −1) = 5/6).
  y_lo_ = bisect(e, 0.0, -1.0);
  y_hi_ = bisect(e, 0.0, 1.0);
}

double HenonHeiles::energy(ConstVecRef s) const {
  const double x = s[0], y = s[1], px = s[2], py = s[3];
  return 0.5 * (px * px + py * py) + 0.5 * (x * x + y * y) + x * x * y - y * y * y / 3.0;
}

void HenonHeiles::dT_dp(ConstVecRef p, VecRef out) const {
  out[0] = p[0];
  out[1] = p[1];
}

void HenonHeiles::dV_dq(ConstVecRef q, VecRef out) const {
  const double x = q[0], y = q[1];
  out[0] = x + 2.0 * x * y;
  out[1] = y + x * x - y * y;
}

void HenonHeiles::gradient(ConstVecRef s, VecRef grad) const {
  HenonHeiles::dV_dq(s.head(2), grad.head(2));
  HenonHeiles::dT_dp(s.tail(2), grad.tail(2));
}

std::map<std::string, double> HenonHeiles::parameters() const {
  return {{"energy", p_.energy}};
}

Vec HenonHeiles::sample(Rng& rng) const {
  const double e = p_.energy;
  const double pmax = std::sqrt(2.0 * e);
  for (int attempt = 0; attempt < 10000; ++attempt) {
    const double y = rng.uniform(y_lo_, y_hi_);
    const double py = rng.uniform(-pmax, pmax);
    const double w = 2.0 * e - py * py - 2.0 * potential_on_axis(y);
    if (w > 0.0) {
      Vec s(4);
      s << 0.0, y, std::sqrt(w), py;
      return s;
    }
  }
  throw NumericsError("henon_heiles: no state on the section x = 0 after 10000 draws");
}

}  // namespace hnn
