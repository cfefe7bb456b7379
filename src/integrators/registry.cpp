#include "integrators/registry.hpp"

#include <limits>

#include "integrators/dopri5.hpp"
#include "integrators/implicit_midpoint.hpp"
#include "integrators/leapfrog.hpp"
#include "integrators/rk4.hpp"
#include "integrators/symplectic_euler.hpp"
#include "integrators/yoshida4.hpp"

namespace hnn {

std::vector<std::string> integrator_names() {
  return {"rk4", "dopri5", "leapfrog", "yoshida4", "implicit_midpoint", "symplectic_euler"};
}

std::unique_ptr<Integrator> make_integrator(const Section& s) {
  const std::string name = s.get_choice("name", integrator_names(), "dopri5");
  if (name == "rk4") return std::make_unique<Rk4>(s.get_positive("dt"));
  if (name == "leapfrog") return std::make_unique<Leapfrog>(s.get_positive("dt"));
  if (name == "symplectic_euler") return std::make_unique<SymplecticEuler>(s.get_positive("dt"));
  if (name == "yoshida4") return std::make_unique<Yoshida4>(s.get_positive("dt"));
  if (name == "implicit_midpoint") {
    const double dt = s.get_positive("dt");
    ImplicitMidpointOptions o;
    o.tol = s.get_positive("tol", o.tol);
    const long max_iter = s.get_count("max_iter", o.max_iter);
    s.require(max_iter <= std::numeric_limits<int>::max(), "max_iter", "is too large");
    o.max_iter = static_cast<int>(max_iter);
    return std::make_unique<ImplicitMidpoint>(dt, o);
  }
  if (name == "dopri5") {
    Dopri5Options o;
    o.rtol = s.get_positive("rtol", o.rtol);
    o.atol = s.get_positive("atol", o.atol);
    o.first_step = s.get_non_negative("first_step", o.first_step);
    // The config layer takes finite numbers only: 0 stands for "no limit".
    const double max_step = s.get_non_negative("max_step", 0.0);
    if (max_step > 0.0) o.max_step = max_step;
    o.max_steps = s.get_count("max_steps", o.max_steps);
    return std::make_unique<Dopri5>(o);
  }
  s.fail("name", "unknown integrator");  // unreachable: get_choice checked it
}

}  // namespace hnn
