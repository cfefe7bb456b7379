#include "systems/registry.hpp"

#include <cmath>

#include "core/error.hpp"
#include "systems/fput.hpp"
#include "systems/henon_heiles.hpp"
#include "systems/kepler.hpp"
#include "systems/nbody.hpp"
#include "systems/pendulum.hpp"
#include "systems/ring.hpp"
#include "systems/spring.hpp"

namespace hnn {

namespace {

std::unique_ptr<System> make_spring(const Section& s) {
  SpringParams p;
  p.k = s.get_positive("k", p.k);
  p.m = s.get_positive("m", p.m);
  p.r_min = s.get_non_negative("r_min", p.r_min);
  p.r_max = s.get_non_negative("r_max", p.r_max);
  s.require(p.r_max >= p.r_min, "r_max", "must be >= r_min");
  return std::make_unique<Spring>(p);
}

std::unique_ptr<System> make_pendulum(const Section& s) {
  PendulumParams p;
  p.m = s.get_positive("m", p.m);
  p.l = s.get_positive("l", p.l);
  p.g = s.get_positive("g", p.g);
  p.angle_sampler = s.get_choice("sampler", {"ring", "angle"}, "ring") == "angle";
  if (p.angle_sampler) {
    p.theta_min = s.get_non_negative("theta_min", p.theta_min);
    p.theta_max = s.get_non_negative("theta_max", p.theta_max);
    s.require(p.theta_max >= p.theta_min, "theta_max", "must be >= theta_min");
    p.omega_max = s.get_non_negative("omega_max", p.omega_max);
    return std::make_unique<Pendulum>(p);
  }
  p.r_min = s.get_non_negative("r_min", p.r_min);
  p.r_max = s.get_non_negative("r_max", p.r_max);
  s.require(p.r_max >= p.r_min, "r_max", "must be >= r_min");
  return std::make_unique<Pendulum>(p);
}

bool is_eccentricity(double e) { return e >= 0.0 && e < 1.0; }

std::unique_ptr<System> make_kepler(const Section& s) {
  KeplerParams p;
  p.dim = static_cast<int>(s.get_count("dim", p.dim, 2));
  s.require(p.dim <= 3, "dim", "must be 2 or 3");
  p.k = s.get_double("k", p.k);
  s.require(p.k < 0, "k", "must be < 0 (attractive; the sampler draws bound orbits)");
  p.e_min = s.get_non_negative("e_min", p.e_min);
  s.require(is_eccentricity(p.e_min), "e_min", "must be in [0, 1)");
  p.e_max = s.get_non_negative("e_max", p.e_max);
  s.require(is_eccentricity(p.e_max), "e_max", "must be in [0, 1)");
  s.require(p.e_max >= p.e_min, "e_max", "must be >= e_min");
  p.a_min = s.get_positive("a_min", p.a_min);
  p.a_max = s.get_positive("a_max", p.a_max);
  s.require(p.a_max >= p.a_min, "a_max", "must be >= a_min");
  p.eccentricities = s.get_double_list("eccentricities", std::vector<double>{});
  for (double e : p.eccentricities)
    s.require(is_eccentricity(e), "eccentricities", "every entry must be in [0, 1)");
  return std::make_unique<Kepler>(p);
}

std::unique_ptr<System> make_nbody(const Section& s) {
  const int bodies = static_cast<int>(s.get_count("bodies", 2, 2));
  NBodyParams p = NBodyParams::reference(bodies);
  p.dim = static_cast<int>(s.get_count("dim", p.dim, 1));
  s.require(p.dim <= 3, "dim", "must be 1, 2 or 3");
  p.G = s.get_positive("G", p.G);
  p.masses = s.get_double_list("masses", std::vector<double>{});
  s.require(p.masses.empty() || static_cast<int>(p.masses.size()) == bodies, "masses",
            "must be empty (all 1) or have one entry per body");
  for (double m : p.masses) s.require(m > 0, "masses", "every entry must be > 0");
  // Sampler ranges: defaults exist for 2 and 3 bodies only; otherwise read when given.
  if (p.r_min || s.has("r_min")) p.r_min = s.get_positive("r_min", p.r_min);
  if (p.r_max || s.has("r_max")) p.r_max = s.get_positive("r_max", p.r_max);
  if (p.r_min && p.r_max) s.require(*p.r_max >= *p.r_min, "r_max", "must be >= r_min");
  if (p.velocity_noise || s.has("velocity_noise"))
    p.velocity_noise = s.get_non_negative("velocity_noise", p.velocity_noise);
  p.zero_momentum = s.get_bool("zero_momentum", p.zero_momentum);
  return std::make_unique<NBody>(p);
}

std::unique_ptr<System> make_fput(const Section& s) {
  FputParams p;
  p.n = static_cast<int>(s.get_count("n", p.n, 2));
  p.alpha = s.get_double("alpha", p.alpha);
  p.beta = s.get_non_negative("beta", p.beta);
  p.periodic = s.get_choice("boundary", {"periodic", "fixed"}, "periodic") == "periodic";
  p.mode_energies = s.get_double_list("mode_energies", std::vector<double>{});
  s.require(p.mode_energies.empty() || static_cast<int>(p.mode_energies.size()) == p.n,
            "mode_energies", "must be empty (default) or have n entries, one per normal mode");
  for (double e : p.mode_energies)
    s.require(e >= 0, "mode_energies", "every entry must be >= 0");
  p.energy_scale_min = s.get_non_negative("energy_scale_min", p.energy_scale_min);
  p.energy_scale_max = s.get_non_negative("energy_scale_max", p.energy_scale_max);
  s.require(p.energy_scale_max >= p.energy_scale_min, "energy_scale_max",
            "must be >= energy_scale_min");
  if (s.has("temperature")) p.temperature = s.get_non_negative("temperature");
  return std::make_unique<Fput>(p);
}

std::unique_ptr<System> make_henon_heiles(const Section& s) {
  HenonHeilesParams p;
  p.energy = s.get_positive("energy", p.energy);
  s.require(p.energy < 1.0 / 6.0, "energy", "must be < 1/6 (bounded orbits)");
  return std::make_unique<HenonHeiles>(p);
}

std::unique_ptr<System> make_ring(const Section& s) {
  RingParams p;
  p.radius = s.get_positive("radius", p.radius);
  p.width = s.get_positive("width", p.width);
  p.temperature = s.get_positive("temperature", p.temperature);
  return std::make_unique<Ring>(p);
}

}  // namespace

std::vector<std::string> system_names() {
  return {"spring", "pendulum", "kepler", "nbody", "fput", "henon_heiles", "ring"};
}

std::unique_ptr<System> make_system(const Section& s) {
  const std::string name = s.get_choice("name", system_names());
  try {
    if (name == "spring") return make_spring(s);
    if (name == "pendulum") return make_pendulum(s);
    if (name == "kepler") return make_kepler(s);
    if (name == "nbody") return make_nbody(s);
    if (name == "fput") return make_fput(s);
    if (name == "henon_heiles") return make_henon_heiles(s);
    if (name == "ring") return make_ring(s);
  } catch (const ConfigError& e) {
    // Messages from Section already name the file and key; the constructors' own checks (a
    // mode energy on a zero-frequency mode, ...) get the section prepended here.
    if (std::string(e.what()).rfind(name + ": ", 0) != 0) throw;
    s.fail("name", e.what());
  }
  s.fail("name", "unknown system '" + name + "'");  // unreachable: get_choice checked it
}

}  // namespace hnn
