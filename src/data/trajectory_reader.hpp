// Reading the trajectory data set (data/trajectory_file.hpp) for training: a rank opens the file
// serially and reads only the trajectories it owns, as (x, dx/dt) sample columns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace hnn {

struct TrajectoryFileInfo {
  std::string path, system;
  std::int64_t n_traj = 0, n_time = 0, dim = 0;
  std::vector<std::int64_t> train, test;  // trajectory indices
  std::int64_t frame_height = 0, frame_width = 0;  // 0: the file has no /trajectories/frames
  std::int64_t frame_pixels() const { return frame_height * frame_width; }
};

// Reads the shape, split and system name; checks the layout (IoError naming what is wrong).
TrajectoryFileInfo read_trajectory_info(const std::string& path);

// Samples of trajectories TRAJ (in that order, all times of each): columns of X and DXDT
// (dim × (TRAJ.size() · n_time)); column j·n_time + k is time k of trajectory TRAJ[j].
void read_samples(const TrajectoryFileInfo& info, const std::vector<std::int64_t>& traj, Mat& x,
                  Mat& dxdt);

// Frames of trajectories TRAJ (all times of each): columns of FRAMES (H·W × (TRAJ.size() · n_time)),
// column j·n_time + k is time k of trajectory TRAJ[j]. Throws IoError when the file has none.
void read_frames(const TrajectoryFileInfo& info, const std::vector<std::int64_t>& traj,
                 Mat& frames);

// The sampling interval of /trajectories/t: the same uniform step for every trajectory
// (relative tolerance 1e-9). Throws IoError naming the file when the times are not such a grid.
double read_time_step(const TrajectoryFileInfo& info);

}  // namespace hnn
