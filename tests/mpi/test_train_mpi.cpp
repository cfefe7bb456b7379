// Data-parallel training: rank-count independence of the loss history, restart equality, and
// the stop signal. Runs under mpiexec -n 2.
#include <gtest/gtest.h>
#include <mpi.h>
#include <omp.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/generate.hpp"
#include "io/hdf5.hpp"
#include "parallel/mpi.hpp"
#include "train/signals.hpp"
#include "train/trainer.hpp"
#include "mpi_test_util.hpp"

namespace {

namespace fs = std::filesystem;
using hnn_test::Dir;
using hnn_test::expect_close;
using hnn_test::params_of;
using hnn_test::train_request;

// A small spring data set (odd trajectory count: unequal shards).
void make_data(const Dir& d) {
  const std::string in = d.write("gen.toml", R"(
[system]
name = "spring"
[integrator]
name = "dopri5"
rtol = 1e-10
atol = 1e-10
[data]
n_trajectories = 11
t_end = 3.0
n_times = 30
noise_std = 0.1
n_test = 4
)");
  hnn::GenerateRequest g;
  g.input = in;
  g.output = d.path + "/data.h5";
  hnn::generate(g, MPI_COMM_WORLD);
}

std::string train_input(const Dir& d, const std::string& kind, long batch) {
  return d.write("train_" + kind + std::to_string(batch) + ".toml", R"(
[data]
path = ")" + d.path + R"(/data.h5"
[model]
kind = ")" + kind + R"("
hidden = [16, 16]
activation = "tanh"
[train]
steps = 30
batch = )" + std::to_string(batch) + R"(
lr = 1e-2
weight_decay = 1e-4
seed = 3
log_every = 5
chunk = 32
)");
}

// A symplectic flow trained on whole trajectories (batch trajectories x 12 shuffled times).
std::string flow_input(const Dir& d, long batch) {
  return d.write("train_flow" + std::to_string(batch) + ".toml", R"(
[data]
path = ")" + d.path + R"(/data.h5"
[model]
kind = "flow"
layers = "linear coupling_p zero_center coupling_q"
hidden = [8]
[train]
steps = 30
batch = )" + std::to_string(batch) + R"(
times = 12
lr = 1e-2
seed = 3
log_every = 5
)");
}

TEST(TrainMpi, LossHistoryIndependentOfRankCount) {
  Dir d("train_ranks");
  make_data(d);
  for (const char* kind : {"hnn", "baseline"})
    for (long batch : {0L, 50L}) {  // full batch, and a minibatch drawn from (seed, step)
      const std::string in = train_input(d, kind, batch);
      hnn::TrainSummary one, two;
      if (hnn::mpi_rank() == 0) one = hnn::train(train_request(in, d.path + "/one.h5"), MPI_COMM_SELF);
      MPI_Barrier(MPI_COMM_WORLD);
      two = hnn::train(train_request(in, d.path + "/two.h5"), MPI_COMM_WORLD);
      if (hnn::mpi_rank() == 0) {
        ASSERT_EQ(one.hist_train.size(), 6u);
        // 1e-12 relative: the two runs differ only in the order of floating-point sums
        // (per-rank partial sums, then the allreduce), ~1e-16 per step, over 30 Adam steps.
        expect_close(one.hist_train, two.hist_train, 1e-12);
        expect_close(one.hist_test, two.hist_test, 1e-12);
        EXPECT_LT(two.hist_train.back(), two.hist_train.front()) << kind << " did not learn";
      }
    }
}

TEST(TrainMpi, FlowLossHistoryIndependentOfRankCount) {
  Dir d("train_flow_ranks");
  make_data(d);
  for (long batch : {0L, 3L}) {  // all 7 training trajectories, and epochs of 3 + 3 + 1
    const std::string in = flow_input(d, batch);
    hnn::TrainSummary one, two;
    if (hnn::mpi_rank() == 0) one = hnn::train(train_request(in, d.path + "/one.h5"), MPI_COMM_SELF);
    MPI_Barrier(MPI_COMM_WORLD);
    two = hnn::train(train_request(in, d.path + "/two.h5"), MPI_COMM_WORLD);
    if (hnn::mpi_rank() == 0) {
      ASSERT_EQ(one.hist_train.size(), 6u);
      EXPECT_EQ(two.n_train, 7);
      // As above: only the order of the per-trajectory sums differs.
      expect_close(one.hist_train, two.hist_train, 1e-12);
      expect_close(one.hist_test, two.hist_test, 1e-12);
      EXPECT_LT(two.hist_test.back(), two.hist_test.front()) << "the flow did not learn";
    }
  }
}

TEST(TrainMpi, FlowRestartEqualsUninterruptedBitForBit) {
  Dir d("train_flow_restart");
  make_data(d);
  const std::string in = flow_input(d, 3);
  hnn::train(train_request(in, d.path + "/full.h5"), MPI_COMM_WORLD);
  // Stop in the middle of an epoch (13 = 4 epochs of 3 steps + 1), then resume to 30.
  hnn::train(train_request(in, d.path + "/part.h5", {"train.steps=13"}), MPI_COMM_WORLD);
  auto req = train_request(in, d.path + "/part.h5");
  req.restart = "auto";
  const auto resumed = hnn::train(req, MPI_COMM_WORLD);
  EXPECT_EQ(resumed.resumed_from, 13);
  if (hnn::mpi_rank() == 0) {
    EXPECT_EQ(params_of(d.path + "/full.h5"), params_of(d.path + "/part.h5"));
  }
}

TEST(TrainMpi, RestartEqualsUninterruptedBitForBit) {
  Dir d("train_restart");
  make_data(d);
  const std::string in = train_input(d, "hnn", 50);
  hnn::train(train_request(in, d.path + "/full.h5"), MPI_COMM_WORLD);
  // Stop after 12 steps (a "completed" shorter run), then resume to 30 from its checkpoint.
  hnn::train(train_request(in, d.path + "/part.h5", {"train.steps=12"}), MPI_COMM_WORLD);
  auto req = train_request(in, d.path + "/part.h5");
  req.restart = "auto";
  const auto resumed = hnn::train(req, MPI_COMM_WORLD);
  EXPECT_EQ(resumed.resumed_from, 12);
  if (hnn::mpi_rank() == 0) {
    // Exact equality is the point: a restart must not change a bit.
    EXPECT_EQ(params_of(d.path + "/full.h5"), params_of(d.path + "/part.h5"));
  }
}

TEST(TrainMpi, StopSignalCheckpointsAndResumes) {
  Dir d("train_signal");
  make_data(d);
  const std::string in = train_input(d, "hnn", 0);
  hnn::train(train_request(in, d.path + "/full.h5"), MPI_COMM_WORLD);
  // Rank 1 alone receives the signal: every rank must stop after the same step.
  if (hnn::mpi_rank() == 1) hnn::request_stop();
  const auto stopped = hnn::train(train_request(in, d.path + "/sig.h5"), MPI_COMM_WORLD);
  hnn::reset_stop_request();
  EXPECT_TRUE(stopped.stopped);
  EXPECT_EQ(stopped.steps, 1);
  EXPECT_FALSE(fs::exists(d.path + "/sig.h5")) << "no model file for an unfinished run";
  auto req = train_request(in, d.path + "/sig.h5");
  req.restart = "auto";
  const auto resumed = hnn::train(req, MPI_COMM_WORLD);
  EXPECT_FALSE(resumed.stopped);
  EXPECT_EQ(resumed.resumed_from, 1);
  if (hnn::mpi_rank() == 0) {
    EXPECT_EQ(params_of(d.path + "/full.h5"), params_of(d.path + "/sig.h5"));
  }
}

}  // namespace
