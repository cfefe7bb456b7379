// Checkpoints: everything needed to continue a training run bit for bit, in one HDF5 file per
// checkpoint, ckpt-<step>.h5 in the checkpoint directory.
//   /params, /optimizer/m, /optimizer/v   float64 (n_params)
//   /history/{step, train_loss, test_loss, lr}
//   /objective_state  float64, only for objectives with a state (the HGN's GECO, train/geco.hpp)
//   attributes: format = "hnn-checkpoint", format_version, step, optimizer_step, checksum
//   (FNV-1a 64 of step, params and moments, verified on load), input (resolved), provenance,
//   and complete = 1, written last.
// The minibatch sequence is a function of (seed, step) only, so step is the data cursor and the
// random state. Written atomically (temporary + rename); the newest `keep` are kept, older ones
// deleted only after the new one is in place.
#pragma once

#include <mpi.h>

#include <optional>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "io/provenance.hpp"

namespace hnn {

inline constexpr const char* kCheckpointFormat = "hnn-checkpoint";
inline constexpr std::int64_t kCheckpointFormatVersion = 1;

struct TrainState {
  long step = 0;            // optimizer steps taken
  Vec params, m, v;         // parameters and Adam moments
  long optimizer_step = 0;  // Adam's bias-correction counter
  std::vector<double> hist_step, hist_train, hist_test, hist_lr;
  std::vector<double> objective_state;  // Objective::state() (GECO); /objective_state when not empty
};

// Called on one rank (rank 0). Returns the path written.
std::string write_checkpoint(const std::string& dir, const TrainState& s, int keep,
                             const std::string& input_text, const Provenance& prov);

// Newest complete checkpoint in DIR whose checksum verifies (damaged ones are skipped with a
// note on stderr), or nothing. Called on one rank.
std::optional<TrainState> load_latest_checkpoint(const std::string& dir, std::string* path = nullptr);
// Loads one file; throws IoError if it is not a complete, intact checkpoint.
TrainState load_checkpoint(const std::string& path);

// Sends ROOT's state to every rank of COMM.
void broadcast_state(MPI_Comm comm, TrainState& s, int root = 0);

}  // namespace hnn
