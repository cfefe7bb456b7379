#include "integrators/implicit_midpoint.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "core/error.hpp"

namespace hnn {

ImplicitMidpoint::ImplicitMidpoint(double dt, ImplicitMidpointOptions opt)
    : FixedStepIntegrator(dt), opt_(opt) {
  if (!(opt_.tol > 0.0) || !std::isfinite(opt_.tol))
    throw ConfigError("implicit_midpoint: tol = " + std::to_string(opt_.tol) +
                      " must be finite and > 0");
  if (opt_.max_iter < 1)
    throw ConfigError("implicit_midpoint: max_iter = " + std::to_string(opt_.max_iter) +
                      " must be >= 1");
}

void ImplicitMidpoint::step(const VectorField& f, double h, VecRef x) {
  const Eigen::Index d = f.dim();
  if (k_.size() != d) {
    x0_.resize(d);
    k_.resize(d);
    k_new_.resize(d);
    y_.resize(d);
  }
  x0_ = x;
  if (!x0_.allFinite()) throw NumericsError("implicit_midpoint: the state is not finite");
  const double scale = 1.0 + x0_.cwiseAbs().maxCoeff();
  const double target = opt_.tol * scale;
  // A change of x1 this small is at the level of the rounding errors of x0 + h k (a few ulp of
  // x) and of f (allowing a condition number of ~1e3): if the iteration stops contracting there,
  // it has converged as far as floating point allows. Above it, stagnation means h is too large.
  const double roundoff = 1e4 * std::numeric_limits<double>::epsilon() * scale;

  // Seam for a Newton solver (for stiff problems or large h, where h L >= 2 makes this iteration
  // diverge): solve G(k) = k − f(x0 + h/2 k) = 0 by (I − h/2 J) δ = −G(k), k ← k + δ, with
  // J = Ω ∇²H(x0 + h/2 k). For a learned H only Hessian–vector products ∇²H·v are available
  // (one forward-over-reverse pass), so the linear solve would be matrix-free (GMRES); the
  // predictor and the convergence test below would stay as they are.
  f.field(x0_, k_);  // predictor: k_0 = f(x0)
  long evals = 1;
  double last = std::numeric_limits<double>::infinity();
  bool converged = false;
  int it = 0;
  while (it < opt_.max_iter) {
    ++it;
    y_ = x0_ + (0.5 * h) * k_;
    f.field(y_, k_new_);
    ++evals;
    const double change = std::abs(h) * (k_new_ - k_).cwiseAbs().maxCoeff();
    k_.swap(k_new_);
    if (!std::isfinite(change)) break;
    if (change <= target || (change >= last && change <= roundoff)) {
      converged = true;
      break;
    }
    last = change;
  }
  stats_.evals += evals;
  if (!converged) {
    std::ostringstream msg;
    msg << "implicit_midpoint: the fixed-point iteration ";
    if (!k_.allFinite())
      msg << "produced a non-finite value";
    else
      msg << "did not converge in " << it << " iterations (last change " << last << ")";
    msg << " at step size h = " << h
        << "; it contracts only when h·L/2 < 1 (L the Lipschitz constant of the vector field): "
           "use a smaller dt";
    throw NumericsError(msg.str());
  }
  x = x0_ + h * k_;
}

}  // namespace hnn
