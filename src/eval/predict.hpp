// `hnn predict`: a trained model's vector field (and, for models with a learned Hamiltonian,
// H_θ and ∇_x H_θ) at given states.
//
// Input STATES.h5: /states float64 (n, dim), dim = the model's state dimension, x = (q, p).
// Output (HDF5, written atomically):
//   /states  float64 (n, dim)   a copy of the input
//   /field   float64 (n, dim)   predicted dx/dt (Ω∇H_θ for an HNN)
//   /H       float64 (n)        H_θ            (models with a learned Hamiltonian only)
//   /grad    float64 (n, dim)   ∇_x H_θ        (models with a learned Hamiltonian only)
//   root attributes: format = "hnn-prediction", format_version = 1, model (kind), model_file,
//   states_file, n_params, and the provenance (input = a [predict] section naming the files).
// For a symplectic flow (model kind "flow", T : latent -> physical) instead:
//   /latent   float64 (n, dim)   T⁻¹(states)          (default)
//   /physical float64 (n, dim)   T(states)            (with --latent: the states are latent)
//   /actions  float64 (n, dof)   I_i = (q̂_i² + p̂_i²)/2 of the latent states
//   /angles   float64 (n, dof)   φ_i = atan2(p̂_i, q̂_i) of the latent states
// Rank 0 does the work; the other ranks wait in the collective error agreement.
#pragma once

#include <mpi.h>

#include <string>

namespace hnn {

struct PredictRequest {
  std::string model, states, output;
  bool overwrite = false;
  bool latent = false;  // flows only: the states are latent, apply T (default: apply T⁻¹)
  std::string command_line;
};

struct PredictSummary {
  std::string output, model;
  long n = 0, dim = 0;
  bool has_energy = false;
};

// Collective over COMM. Throws AgreedError on every rank for a missing or malformed model or
// states file; then no output file is left behind. The summary is filled on rank 0 only.
PredictSummary predict(const PredictRequest& req, MPI_Comm comm);

}  // namespace hnn
