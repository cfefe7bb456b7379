// Input-file names of the known systems and the factory that builds one from its section of
// the input file. Keys are named like the fields of each system's params struct.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/config.hpp"
#include "systems/system.hpp"

namespace hnn {

// "spring", "pendulum", "kepler", "nbody", "fput", "henon_heiles".
std::vector<std::string> system_names();

// Reads `name` (one of system_names()) and that system's keys from S, with the params structs'
// defaults:
//   spring:       k, m, r_min, r_max
//   pendulum:     m, l, g, r_min, r_max
//   kepler:       dim, k, e_min, e_max, a_min, a_max, eccentricities (list; empty = use the range)
//   nbody:        bodies, dim, G, masses (list; empty = all 1), r_min, r_max, velocity_noise
//                 (defaults for 2 and 3 bodies; read only when present otherwise), zero_momentum
//   fput:         n, alpha, beta, boundary ("periodic" | "fixed"), mode_energies (list; empty =
//                 the default), energy_scale_min, energy_scale_max, temperature (read only when
//                 present; > 0: canonical sampler of the linear chain)
//   henon_heiles: energy
// Throws ConfigError naming the key for invalid values.
std::unique_ptr<System> make_system(const Section& s);

}  // namespace hnn
