// `hnn train`: data-parallel training of any Model (models/model.hpp) on a trajectory data set.
//
// Each MPI rank reads only its shard of the training (and test) trajectories. Every step, all
// ranks compute the same global minibatch from (seed, step); each rank sums the loss and gradient
// over the batch units it holds (train/objective.hpp: samples for field models, whole trajectories
// for flows; OpenMP threads over chunks, chunk sums added in chunk order, so the thread count does
// not change a bit); one MPI_Allreduce adds up gradient, loss and a stop flag; every rank then
// takes the same Adam step. Checkpoints (train/checkpoint.hpp) make a restarted run identical to an
// uninterrupted one; SIGTERM/SIGUSR1 checkpoint and exit with kExitCheckpointed.
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

namespace hnn {

struct TrainRequest {
  std::string input;
  std::vector<std::string> overrides;
  std::string restart;  // "" (fresh run), "auto" (newest checkpoint if any), or a checkpoint path
  bool overwrite = false;
  std::string command_line;
};

struct TrainSummary {
  std::string output, checkpoint;  // model file (when finished), last checkpoint written
  long steps = 0, n_params = 0, n_train = 0, n_test = 0;
  double train_loss = 0, test_loss = 0, seconds = 0;
  bool stopped = false;  // a stop signal ended the run after a checkpoint
  long resumed_from = -1;  // step of the checkpoint resumed from, or -1
  std::vector<double> hist_step, hist_train, hist_test;
};

// Collective over COMM. Throws AgreedError on bad input, unreadable data or a non-finite loss.
TrainSummary train(const TrainRequest& req, MPI_Comm comm);

}  // namespace hnn
