// Input-file names of the integrators and construction from the [integrator] section.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "integrators/integrator.hpp"
#include "io/config.hpp"

namespace hnn {

// "rk4", "dopri5", "leapfrog", "yoshida4", "implicit_midpoint".
std::vector<std::string> integrator_names();

// Reads name (default "dopri5") and only the keys of that method, so that the config layer
// reports the others as unknown:
//   rk4, leapfrog, yoshida4:  dt (required, > 0)
//   implicit_midpoint:        dt (required), tol (> 0, default 1e-14), max_iter (>= 1, default 100)
//   dopri5:                   rtol, atol (> 0, default 1e-6 each, as scipy's solve_ivp),
//                             first_step (>= 0, default 0 = automatic),
//                             max_step (>= 0, default 0 = no limit),
//                             max_steps (>= 1, default 10000000)
// Throws ConfigError (from the getters or the constructors) for bad values.
std::unique_ptr<Integrator> make_integrator(const Section& s);

}  // namespace hnn
