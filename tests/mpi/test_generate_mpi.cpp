// Rank- and thread-count independence of `hnn generate`, and collective error handling.
// Runs under mpiexec -n 2.
#include <gtest/gtest.h>
#include <mpi.h>
#include <omp.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "data/generate.hpp"
#include "io/hdf5.hpp"
#include "parallel/mpi.hpp"

namespace {

namespace fs = std::filesystem;

// A fresh directory shared by all ranks (same host), named after rank 0's pid.
std::string shared_dir(const std::string& tag) {
  const std::string dir = hnn::broadcast_string(
      MPI_COMM_WORLD, (fs::temp_directory_path() / ("hnn_mpi_" + tag + "_" +
                                                    std::to_string(::getpid()))).string());
  if (hnn::mpi_rank() == 0) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return dir;
}

std::string write_input(const std::string& dir, const std::string& text) {
  const std::string path = dir + "/input.toml";
  if (hnn::mpi_rank() == 0) std::ofstream(path) << text;
  MPI_Barrier(MPI_COMM_WORLD);
  return path;
}

// Spring with noise (exercises the per-trajectory RNG twice: sampler and noise) and an odd
// trajectory count so the shards differ in size and the blocks do not divide evenly.
const char* kInput = R"(
[system]
name = "pendulum"
[integrator]
name = "dopri5"
rtol = 1e-9
atol = 1e-9
[data]
n_trajectories = 37
t_end = 3.0
n_times = 45
noise_std = 0.1
seed = 7
n_test = 5
[output]
block_trajectories = 6
)";

std::vector<double> read_all(const std::string& file, const std::string& ds) {
  auto f = hnn::h5::File::open(file);
  return hnn::h5::Dataset::open(f, ds).read_all<double>();
}

std::vector<std::int64_t> read_ints(const std::string& file, const std::string& ds) {
  auto f = hnn::h5::File::open(file);
  return hnn::h5::Dataset::open(f, ds).read_all<std::int64_t>();
}

hnn::GenerateRequest request(const std::string& input, const std::string& out) {
  hnn::GenerateRequest r;
  r.input = input;
  r.output = out;
  r.command_line = "test";
  return r;
}

TEST(GenerateMpi, BitwiseIdenticalForAnyRanksAndThreads) {
  const std::string dir = shared_dir("det");
  const std::string input = write_input(dir, kInput);
  // 1 rank x 1 thread (rank 0 alone), 2 ranks x 1 thread, 2 ranks x 2 threads.
  if (hnn::mpi_rank() == 0) {
    omp_set_num_threads(1);
    hnn::generate(request(input, dir + "/r1t1.h5"), MPI_COMM_SELF);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  omp_set_num_threads(1);
  hnn::generate(request(input, dir + "/r2t1.h5"), MPI_COMM_WORLD);
  omp_set_num_threads(2);
  hnn::generate(request(input, dir + "/r2t2.h5"), MPI_COMM_WORLD);
  omp_set_num_threads(1);
  if (hnn::mpi_rank() == 0) {
    omp_set_num_threads(2);
    hnn::generate(request(input, dir + "/r1t2.h5"), MPI_COMM_SELF);
    omp_set_num_threads(1);
    const std::map<std::string, std::size_t> expected_size = {
        {"/trajectories/x", 37 * 45 * 2}, {"/trajectories/dxdt", 37 * 45 * 2},
        {"/trajectories/energy", 37 * 45}, {"/trajectories/t", 45}};
    for (const auto& [ds, size] : expected_size) {
      const auto ref = read_all(dir + "/r1t1.h5", ds);
      ASSERT_EQ(ref.size(), size) << ds;
      for (const char* other : {"/r2t1.h5", "/r2t2.h5", "/r1t2.h5"}) {
        const auto v = read_all(dir + other, ds);
        ASSERT_EQ(v.size(), ref.size()) << other << ds;
        // Exact equality is the point: determinism, not accuracy.
        for (std::size_t i = 0; i < v.size(); ++i)
          ASSERT_EQ(v[i], ref[i]) << other << ds << " element " << i;
      }
    }
    EXPECT_EQ(read_ints(dir + "/r2t2.h5", "/split/test"),
              (std::vector<std::int64_t>{32, 33, 34, 35, 36}));
    EXPECT_EQ(read_ints(dir + "/r2t2.h5", "/split/train").size(), 32u);
    fs::remove_all(dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(GenerateMpi, BadInputFailsOnEveryRankAndLeavesNoFile) {
  const std::string dir = shared_dir("bad");
  const std::string input = write_input(dir, std::string(kInput) + "\n[data2]\nx = 1\n");
  EXPECT_THROW(hnn::generate(request(input, dir + "/out.h5"), MPI_COMM_WORLD), hnn::AgreedError);
  MPI_Barrier(MPI_COMM_WORLD);
  if (hnn::mpi_rank() == 0) {
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir)) files += e.path().extension() != ".toml";
    EXPECT_EQ(files, 0u) << "no output and no temporary may be left behind";
    fs::remove_all(dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(GenerateMpi, TrajectoryFailureOnOneRankFailsEveryRank) {
  const std::string dir = shared_dir("fail");
  // Trajectories 0..18 live on rank 0, 19..36 on rank 1. Rank 1 alone gets a step limit too
  // small for the pendulum, so only its trajectories fail; the error must reach rank 0 too,
  // without a hang, and name the first failing trajectory and its rank.
  const std::string input = write_input(dir, std::string(kInput));
  auto req = request(input, dir + "/out.h5");
  if (hnn::mpi_rank() == 1) req.overrides = {"integrator.max_steps=3"};
  try {
    hnn::generate(req, MPI_COMM_WORLD);
    FAIL() << "expected an error";
  } catch (const hnn::AgreedError& e) {
    EXPECT_NE(std::string(e.what()).find("trajectory 19"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(on rank 1)"), std::string::npos) << e.what();
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (hnn::mpi_rank() == 0) {
    EXPECT_FALSE(fs::exists(dir + "/out.h5"));
    fs::remove_all(dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

}  // namespace
