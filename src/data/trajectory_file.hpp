// The trajectory data-set layout: the contract between `hnn generate`, `hnn import`, the
// trainer, and any other tool that writes data for hnn (see README, "File layout").
//
//   /trajectories/x       float64 (n_traj, n_time, dim)  states x = (q, p), C order
//   /trajectories/dxdt    float64 (n_traj, n_time, dim)  time-derivative targets
//   /trajectories/t       float64 (n_time) or (n_traj, n_time)
//   /trajectories/energy  float64 (n_traj, n_time)       optional: true H along the trajectory
//   /trajectories/frames  float32 (n_traj, n_time, H·W)  optional: the noise-free states rendered
//                         as grey images in [0, 1] (render/renderer.hpp), row-major H × W each;
//                         root attributes frame_height, frame_width, renderer, render_extent
//   /split/train, /split/test  int64 trajectory indices
//   root attributes: format = "hnn-trajectories", format_version, system, dof, dim, ...
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/hdf5.hpp"

namespace hnn {

inline constexpr const char* kTrajectoryFormat = "hnn-trajectories";
inline constexpr std::int64_t kTrajectoryFormatVersion = 1;

struct TrajectoryShape {
  std::int64_t n_traj = 0, n_time = 0, dim = 0;
  bool time_per_trajectory = false;  // t is (n_traj, n_time) instead of (n_time)
  bool has_energy = false;
  std::int64_t frame_height = 0, frame_width = 0;  // 0: no frames
};

// Creates the datasets in F (collective). Rows are trajectories; chunks hold whole trajectories.
class TrajectoryWriter {
 public:
  TrajectoryWriter(const h5::File& f, const TrajectoryShape& shape, int gzip);
  // Writes trajectories [first, first + count): x and dxdt (count, n_time, dim), energy
  // (count, n_time) when has_energy, t (count, n_time) when time_per_trajectory. Collective;
  // a rank with nothing to write passes count = 0.
  void write_block(std::int64_t first, std::int64_t count, const double* x, const double* dxdt,
                   const double* energy, const double* t);
  // Frames of trajectories [first, first + count): (count, n_time, H·W). Collective.
  void write_frames(std::int64_t first, std::int64_t count, const float* frames);
  // The shared time grid (when !time_per_trajectory) and the split. Collective; rank 0 writes.
  void write_times(const std::vector<double>& t);
  void write_split(const std::vector<std::int64_t>& train, const std::vector<std::int64_t>& test);

 private:
  const h5::File& f_;
  TrajectoryShape shape_;
  h5::Dataset x_, dxdt_, t_, energy_, frames_;
};

// Indices 0..n-1 split into train and test: the first or the last N_TEST trajectories are the
// test set (the reference codes use both conventions).
void make_split(std::int64_t n_traj, std::int64_t n_test, bool test_first,
                std::vector<std::int64_t>& train, std::vector<std::int64_t>& test);

// Contiguous shard of N items for RANK of SIZE: [begin, end). Sizes differ by at most one.
struct Shard {
  std::int64_t begin, end;
  std::int64_t size() const { return end - begin; }
};
Shard shard_of(std::int64_t n, int rank, int size);

}  // namespace hnn
