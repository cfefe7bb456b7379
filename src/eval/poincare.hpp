// `hnn poincare`: Poincaré sections of a known system or of a trained model.
//
// Input (TOML):
//   [system]     any system (systems/registry.hpp): its sampler draws the initial states and its
//                H is the "true" energy stored at every crossing.
//   [integrator] name = "dopri5" (the only choice), rtol (1e-10), atol (1e-10).
//   [poincare]   n_orbits (required, >= 1), t_end (required, > 0), sample_dt (0.01, > 0),
//                coordinate (0; index into x = (q, p)), value (0), direction ("up" | "down" |
//                "both"; default "up"), seed (0).
//   [output]     path ("poincare.h5"; -o overrides it).
// With a model file (--model), the model's vector field (Ω∇H_θ for an HNN, the predicted dx/dt
// otherwise) is integrated instead of the system's; the system still draws the initial states
// and gives the true H at the crossings. The model's dimension must equal the system's.
//
// Method: orbit i starts at system.sample(Rng(seed, i)) and is integrated by dopri5 with dense
// output at t = k·sample_dt, k = 0..floor(t_end/sample_dt). Between consecutive samples where
// g = x_c − value changes sign in the wanted direction (up: g0 < 0 <= g1; down: g0 > 0 >= g1)
// the crossing time is the root of the cubic Hermite interpolant of g built from the states
// and the field at both samples (hermite_root), and the full state there is the Hermite
// interpolant of x (error O(sample_dt⁴) on top of the integrator's). One integrate() call per
// orbit (so the steps do not depend on sample_dt): it holds the orbit's samples in memory,
// (t_end/sample_dt + 1)·dim·8 bytes per thread (32 MB for dim 4, t_end = 1e4, sample_dt = 0.01).
// OpenMP over orbits, one
// Philox stream per orbit: the output depends on the inputs alone, not on the thread count.
// Under MPI rank 0 does all the work (orbits are cheap); the other ranks wait in the collective
// error agreement.
//
// Output (HDF5, written atomically):
//   /poincare/crossings float64 (n_cross, dim)  states at the crossings, orbit by orbit, in time
//   /poincare/orbit     int64   (n_cross)       orbit index of each crossing
//   /poincare/time      float64 (n_cross)       crossing time
//   /poincare/energy    float64 (n_cross)       true H (the system's) at the crossing
//   /poincare/initial   float64 (n_orbits, dim) initial states
//   attributes on /poincare: coordinate, value, direction, system, model (file; "" = the
//   system itself), n_orbits, t_end, sample_dt; root: format = "hnn-poincare",
//   format_version = 1 and the provenance (input = the resolved input).
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

namespace hnn {

// Root in [0, 1] of the cubic Hermite interpolant p(s) on [t0, t0 + h], s = (t − t0)/h, with
// p(0) = g0, p(1) = g1, dp/dt(0) = d0, dp/dt(1) = d1. Requires g0·g1 <= 0 (a sign change or a
// zero at an end); returns the s of a root found by safeguarded Newton (bisection fallback),
// to |Δs| <= 4 eps, or the end that is zero.
double hermite_root(double g0, double g1, double d0, double d1, double h);
// The cubic Hermite interpolant at s of (y0, y1) with slopes (d0, d1) over an interval h.
double hermite_eval(double y0, double y1, double d0, double d1, double h, double s);

struct PoincareRequest {
  std::string input;
  std::vector<std::string> overrides;
  std::string output, model;
  bool overwrite = false;
  std::string command_line;
};

struct PoincareSummary {
  std::string output, system, model, direction;
  long n_orbits = 0, n_crossings = 0, min_per_orbit = 0, coordinate = 0;
  double value = 0, max_energy_error = 0;  // max |H − H(x0)| / max(|H(x0)|, 1e-300) at crossings
  double seconds = 0;
};

// Collective over COMM. Throws AgreedError on every rank for bad input (unknown key, invalid
// value, existing output without overwrite, model/system mismatch) or a failed integration;
// no output file is left behind then. The summary is filled on rank 0 only.
PoincareSummary poincare(const PoincareRequest& req, MPI_Comm comm);

}  // namespace hnn
