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
//
// Implementation: one step loop, a kernel templated on the state size D and on the field
// callable (dopri5.cpp). integrate() picks the kernel automatically:
//   - Pendulum, Spring, HenonHeiles (exact type): D = 2, 2, 4 and the system's inline
//     field_inline() compiled into the kernel (no virtual call; about 2x on the pendulum);
//   - any other VectorField (other systems, learned models) with dim() in {2, 4, 6, 8, 12}:
//     D = dim() with the virtual field() (fixed-size loops and work arrays);
//   - any other dim(): D = Eigen::Dynamic, the virtual field() and a heap work space in the
//     Dopri5 object (allocated when dim() changes, never in the step loop).
// The path depends on the type and size of f alone, and all paths run the same arithmetic in the
// same order, so results depend on the inputs alone (not on the thread count). In the default
// build (no FMA) a system gives bitwise the same results on its inlined path as through the
// virtual field() (which calls field_inline()); with -march=native the compiler may contract
// multiply-adds differently in the two, a difference in the last bits.
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
  Dopri5Options opt_;
  Vec work_;  // 10·dim() doubles for the Eigen::Dynamic kernel; sized on first use
};

}  // namespace hnn
