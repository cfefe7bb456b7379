// Integrators follow a VectorField from x0 and report the state at requested output times.
// Each method lives in its own file; make_integrator() (integrators/registry.hpp) maps input-file
// names to them. An Integrator object owns its work space: use one per thread.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "systems/system.hpp"

namespace hnn {

// Counters of the last integrate() call (for benchmarks and diagnostics).
struct IntegratorStats {
  long steps = 0;     // accepted steps
  long rejected = 0;  // rejected steps (adaptive methods)
  long evals = 0;     // vector-field (or gradient) evaluations; separable methods count each
                      // dT_dp and each dV_dq call
};

class Integrator {
 public:
  virtual ~Integrator() = default;
  virtual std::string name() const = 0;
  // Theoretical order of accuracy (global error ~ dt^order).
  virtual int order() const = 0;
  virtual bool symplectic() const { return false; }

  // Writes x(times[k]) to out[k * dim .. (k+1) * dim) for every k (row-major (n_time, dim)).
  // times must be non-decreasing and start at or after t0; x(t0) = x0.
  // Throws NumericsError when the solution cannot be followed (step size underflow, non-finite
  // state, implicit solver not converging).
  virtual void integrate(const VectorField& f, ConstVecRef x0, double t0,
                         std::span<const double> times, double* out) = 0;

  const IntegratorStats& stats() const { return stats_; }

 protected:
  IntegratorStats stats_;
};

// A method with a fixed step dt: integrate() takes, between consecutive output times, the
// smallest number of equal steps that are no longer than dt.
class FixedStepIntegrator : public Integrator {
 public:
  explicit FixedStepIntegrator(double dt);
  double dt() const { return dt_; }

  // One step of size h, in place.
  virtual void step(const VectorField& f, double h, VecRef x) = 0;
  // m steps of size h, in place; integrate() calls it once per output interval. The default
  // calls step() m times; a method whose last evaluation in a step is the first of the next one
  // (leapfrog's force) overrides it to reuse that evaluation between the steps of one call.
  virtual void advance(const VectorField& f, double h, long m, VecRef x);
  // Checked once per integrate() call: throws ConfigError if the method cannot follow f
  // (e.g. an explicit symplectic method and a non-separable H).
  virtual void check(const VectorField& f) const;

  void integrate(const VectorField& f, ConstVecRef x0, double t0, std::span<const double> times,
                 double* out) override;

 private:
  double dt_;
};

}  // namespace hnn
