// Ensemble generation (`hnn generate`): integrate N trajectories of a known system from sampled
// initial states (optionally perturbed: [data] initial_noise_std, the HGN data sets) to a grid of
// output times, add optional observation noise, and write the
// trajectory data set (data/trajectory_file.hpp). OpenMP threads share a rank's trajectories;
// MPI ranks own contiguous shards and write collectively into one file.
//
// Determinism: trajectory i draws its initial state and its noise from Rng(seed, i) alone, and
// is integrated independently, so the file's data are bitwise identical for any number of
// threads and ranks.
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

namespace hnn {

struct GenerateRequest {
  std::string input;                   // TOML input file
  std::vector<std::string> overrides;  // "section.key=value"
  std::string output;                  // overrides [output] path when non-empty
  bool overwrite = false;
  std::string command_line;            // stored as provenance
};

struct GenerateSummary {
  std::string output, system, integrator;
  long n_traj = 0, n_time = 0, dim = 0, n_train = 0, n_test = 0;
  long steps = 0, evals = 0;  // summed over all trajectories and ranks
  double seconds = 0;         // wall time of the integration and writing
  double max_energy_drift = 0;  // max over trajectories of |H(t_end) - H(t_0)| / max(|H(t_0)|, 1e-300)
  int ranks = 1, threads = 1;
  std::string resolved_input;
};

// Collective over COMM. Throws AgreedError (on every rank) on bad input or a failed trajectory;
// then no output file is left behind.
GenerateSummary generate(const GenerateRequest& req, MPI_Comm comm);

// linspace(a, b, n) as numpy computes it (a + i*step, last point exactly b).
std::vector<double> linspace(double a, double b, long n);

}  // namespace hnn
