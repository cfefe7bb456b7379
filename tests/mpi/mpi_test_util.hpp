// Shared pieces of the MPI tests that run `hnn train` in-process: a scratch directory common to
// all ranks, a TrainRequest with the output redirected, and comparisons of results.
#pragma once

#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/hdf5.hpp"
#include "parallel/mpi.hpp"
#include "train/trainer.hpp"

namespace hnn_test {

// A fresh directory shared by all ranks (same host), named after rank 0's pid; removed at the
// end of the scope.
struct Dir {
  std::string path;
  explicit Dir(const std::string& tag) {
    namespace fs = std::filesystem;
    path = hnn::broadcast_string(
        MPI_COMM_WORLD,
        (fs::temp_directory_path() / ("hnn_" + tag + "_" + std::to_string(::getpid()))).string());
    if (hnn::mpi_rank() == 0) {
      fs::remove_all(path);
      fs::create_directories(path);
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }
  ~Dir() {
    MPI_Barrier(MPI_COMM_WORLD);
    if (hnn::mpi_rank() == 0) std::filesystem::remove_all(path);
  }
  Dir(const Dir&) = delete;
  Dir& operator=(const Dir&) = delete;
  // Writes PATH/NAME on rank 0 and returns its path once every rank can see it.
  std::string write(const std::string& name, const std::string& text) const {
    if (hnn::mpi_rank() == 0) std::ofstream(path + "/" + name) << text;
    MPI_Barrier(MPI_COMM_WORLD);
    return path + "/" + name;
  }
};

// Training INPUT with the model written to OUT and checkpoints to OUT.ckpt, plus overrides MORE.
inline hnn::TrainRequest train_request(const std::string& input, const std::string& out,
                                       const std::vector<std::string>& more = {}) {
  hnn::TrainRequest r;
  r.input = input;
  r.overrides = {"output.path=\"" + out + "\"", "checkpoint.dir=\"" + out + ".ckpt\""};
  for (const auto& m : more) r.overrides.push_back(m);
  r.overwrite = true;
  r.command_line = "test";
  return r;
}

inline std::vector<double> params_of(const std::string& model_file) {
  auto f = hnn::h5::File::open(model_file);
  return hnn::h5::Dataset::open(f, "/params").read_all<double>();
}

// max_i |a_i − b_i| / |a_i| over the common entries (what expect_close bounds).
inline double max_entry_rel(const std::vector<double>& a, const std::vector<double>& b) {
  double r = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    r = std::max(r, std::abs(a[i] - b[i]) / std::abs(a[i]));
  return r;
}

// |a_i − b_i| ≤ rel·|a_i| for every entry.
inline void expect_close(const std::vector<double>& a, const std::vector<double>& b, double rel) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_LE(std::abs(a[i] - b[i]), rel * std::abs(a[i])) << "entry " << i;
}

}  // namespace hnn_test
