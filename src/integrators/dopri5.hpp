// Dormand–Prince 5(4) (Dormand & Prince 1980): explicit adaptive Runge–Kutta, 7 stages with the
// last stage reused as the first of the next step (FSAL), so 6 evaluations of f per step.
// The step is advanced with the 5th-order solution (local extrapolation).
//
// Error control is that of scipy.integrate.solve_ivp(method='RK45'):
//   err = h·Σ E_i k_i (difference of the 5th- and embedded 4th-order solutions),
//   ‖err‖ = RMS_i( err_i / (atol + rtol·max(|y_i|, |y_new_i|)) ), step accepted when ‖err‖ < 1,
//   h_new = h·clamp(0.9·‖err‖^(−1/5), 0.2, 10) (no increase right after a rejection),
//   first step by Hairer's algorithm (scipy's select_initial_step); rtol is raised to at least
//   100·eps (scipy does the same, with a warning).
// Steps never go past the last output time.
//
// Output times do not force steps: the state at a requested time inside a step comes from the
// continuous extension of Shampine (1986) used by Hairer's DOPRI5 code (CONTD5): a quartic in
// θ = (t − t_n)/h built from k1, k3..k7 without extra evaluations, of order 4 (local error
// O(h^5), the same order as the error estimate that controls h) and C¹ across steps. (scipy's
// RK45 uses another 4th-order interpolant.) An output time that equals a step end gets that step's
// state itself.
#pragma once

#include <limits>

#include "integrators/integrator.hpp"

namespace hnn {

struct Dopri5Options {
  double rtol = 1e-6, atol = 1e-6;
  double first_step = 0;  // 0 = automatic (Hairer's algorithm)
  double max_step = std::numeric_limits<double>::infinity();
  long max_steps = 10'000'000;  // attempted steps (accepted + rejected) per integrate() call
};

class Dopri5 : public Integrator {
 public:
  // Throws ConfigError for rtol, atol, max_step not > 0, first_step < 0 or max_steps < 1.
  explicit Dopri5(Dopri5Options opt = {});
  std::string name() const override { return "dopri5"; }
  int order() const override { return 5; }
  const Dopri5Options& options() const { return opt_; }

  // Throws NumericsError on decreasing times (or times[0] < t0), a non-finite x0, step size
  // underflow (the step would be below 10 ulp of t, e.g. at a blow-up or where f is non-finite)
  // and when max_steps is exceeded. Allocation-free in the step loop once the work vectors have
  // the size of f.
  void integrate(const VectorField& f, ConstVecRef x0, double t0, std::span<const double> times,
                 double* out) override;

 private:
  // Hairer's initial step (scipy's select_initial_step); k1_ = f(y_) must be set.
  double initial_step(const VectorField& f, double interval);
  // One Dormand–Prince step of size h from y_ (with k1_ = f(y_)): fills k2_..k7_ and y_new_,
  // returns ‖err‖ (NaN when the step produced non-finite values).
  double attempt(const VectorField& f, double h);
  // Writes the continuous extension at θ in (0, 1) of the last step (old state y_, size h) to out.
  void dense(double h, double theta, double* out) const;
  void resize(Eigen::Index d);

  Dopri5Options opt_;
  Vec y_, y_new_, tmp_, k1_, k2_, k3_, k4_, k5_, k6_, k7_;  // sized on first use
};

}  // namespace hnn
