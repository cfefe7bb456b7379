#include "integrators/integrator.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"

namespace hnn {

FixedStepIntegrator::FixedStepIntegrator(double dt) : dt_(dt) {
  if (!(dt > 0.0) || !std::isfinite(dt))
    throw ConfigError("integrator step dt = " + std::to_string(dt) + " must be finite and > 0");
}

void FixedStepIntegrator::check(const VectorField&) const {}

void FixedStepIntegrator::advance(const VectorField& f, double h, long m, VecRef x) {
  for (long s = 0; s < m; ++s) step(f, h, x);
}

void FixedStepIntegrator::integrate(const VectorField& f, ConstVecRef x0, double t0,
                                    std::span<const double> times, double* out) {
  check(f);
  stats_ = {};
  const int d = f.dim();
  Vec x = x0;
  double t = t0;
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double span = times[k] - t;
    if (span < 0.0) throw NumericsError("output times must be non-decreasing");
    if (span > 0.0) {
      // Relative slack so that span = m*dt in exact arithmetic takes m steps, not m+1.
      const long m = std::max(1L, static_cast<long>(std::ceil(span / dt_ * (1.0 - 1e-12))));
      const double h = span / static_cast<double>(m);
      advance(f, h, m, x);
      stats_.steps += m;
      t = times[k];
      if (!x.allFinite())
        throw NumericsError(name() + ": state became non-finite before t = " + std::to_string(t));
    }
    Eigen::Map<Vec>(out + k * d, d) = x;
  }
}

}  // namespace hnn
