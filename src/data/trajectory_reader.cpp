#include "data/trajectory_reader.hpp"

#include <cmath>

#include "core/error.hpp"
#include "data/trajectory_file.hpp"
#include "io/hdf5.hpp"

namespace hnn {

TrajectoryFileInfo read_trajectory_info(const std::string& path) {
  auto f = h5::File::open(path);
  TrajectoryFileInfo info;
  info.path = path;
  const auto x = h5::Dataset::open(f, "/trajectories/x");
  const auto dxdt = h5::Dataset::open(f, "/trajectories/dxdt");
  if (x.shape().size() != 3 || dxdt.shape() != x.shape())
    throw IoError(path + ": /trajectories/x and /trajectories/dxdt must both have shape "
                         "(n_traj, n_time, dim)");
  info.n_traj = static_cast<std::int64_t>(x.shape()[0]);
  info.n_time = static_cast<std::int64_t>(x.shape()[1]);
  info.dim = static_cast<std::int64_t>(x.shape()[2]);
  if (info.dim % 2 != 0 || info.dim == 0)
    throw IoError(path + ": state dimension " + std::to_string(info.dim) + " is not 2·dof");
  if (h5::exists(f, "/trajectories/frames")) {
    const auto fr = h5::Dataset::open(f, "/trajectories/frames");
    info.frame_height = h5::read_attr_int(f, "/", "frame_height");
    info.frame_width = h5::read_attr_int(f, "/", "frame_width");
    if (fr.shape().size() != 3 || static_cast<std::int64_t>(fr.shape()[0]) != info.n_traj ||
        static_cast<std::int64_t>(fr.shape()[1]) != info.n_time ||
        static_cast<std::int64_t>(fr.shape()[2]) != info.frame_pixels())
      throw IoError(path + ": /trajectories/frames must have shape (n_traj, n_time, " +
                    "frame_height·frame_width)");
  }
  info.system = h5::has_attr(f, "/", "system") ? h5::read_attr_string(f, "/", "system") : "unknown";
  for (auto [name, out] : {std::pair{"/split/train", &info.train}, std::pair{"/split/test", &info.test}}) {
    if (!h5::exists(f, name)) throw IoError(path + ": missing " + name);
    *out = h5::Dataset::open(f, name).read_all<std::int64_t>();
    for (auto i : *out)
      if (i < 0 || i >= info.n_traj)
        throw IoError(path + ": " + name + " holds trajectory " + std::to_string(i) +
                      " outside [0, " + std::to_string(info.n_traj) + ")");
  }
  return info;
}

void read_samples(const TrajectoryFileInfo& info, const std::vector<std::int64_t>& traj, Mat& x,
                  Mat& dxdt) {
  auto f = h5::File::open(info.path);
  const auto dx = h5::Dataset::open(f, "/trajectories/x");
  const auto dd = h5::Dataset::open(f, "/trajectories/dxdt");
  const long per = info.n_time;
  x.resize(info.dim, static_cast<long>(traj.size()) * per);
  dxdt.resize(info.dim, x.cols());
  // Row-major (n_time, dim) blocks are exactly column-major (dim, n_time) blocks.
  std::size_t j = 0;
  while (j < traj.size()) {  // read runs of consecutive trajectories in one call
    std::size_t e = j + 1;
    while (e < traj.size() && traj[e] == traj[e - 1] + 1) ++e;
    const auto begin = static_cast<hsize_t>(traj[j]), count = static_cast<hsize_t>(e - j);
    dx.read_rows(x.data() + j * per * info.dim, begin, count);
    dd.read_rows(dxdt.data() + j * per * info.dim, begin, count);
    j = e;
  }
  if (!x.allFinite() || !dxdt.allFinite())
    throw IoError(info.path + ": non-finite values in the trajectories read");
}

void read_frames(const TrajectoryFileInfo& info, const std::vector<std::int64_t>& traj,
                 Mat& frames) {
  if (info.frame_pixels() == 0) throw IoError(info.path + ": no /trajectories/frames");
  auto f = h5::File::open(info.path);
  const auto ds = h5::Dataset::open(f, "/trajectories/frames");
  const long per = info.n_time, px = info.frame_pixels();
  std::vector<float> buf;
  frames.resize(px, static_cast<long>(traj.size()) * per);
  std::size_t j = 0;
  while (j < traj.size()) {  // runs of consecutive trajectories in one call
    std::size_t e = j + 1;
    while (e < traj.size() && traj[e] == traj[e - 1] + 1) ++e;
    buf.resize((e - j) * static_cast<std::size_t>(per * px));
    ds.read_rows(buf.data(), static_cast<hsize_t>(traj[j]), static_cast<hsize_t>(e - j));
    frames.middleCols(static_cast<long>(j) * per, static_cast<long>(e - j) * per) =
        Eigen::Map<const Eigen::MatrixXf>(buf.data(), px, static_cast<long>(e - j) * per)
            .cast<double>();
    j = e;
  }
  if (!frames.allFinite()) throw IoError(info.path + ": non-finite values in the frames read");
}

double read_time_step(const TrajectoryFileInfo& info) {
  const auto f = h5::File::open(info.path);
  const std::vector<double> t = h5::Dataset::open(f, "/trajectories/t").read_all<double>();
  const auto per = static_cast<std::size_t>(info.n_time);
  if (per < 2 || t.size() % per != 0)
    throw IoError(info.path + ": /trajectories/t has fewer than 2 times per trajectory");
  const double dt = t[1] - t[0];
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i % per == 0) continue;
    if (!(std::abs(t[i] - t[i - 1] - dt) <= 1e-9 * std::abs(dt)) || !(dt > 0))
      throw IoError(info.path + ": /trajectories/t is not one uniform, increasing time grid (" +
                    std::to_string(t[i] - t[i - 1]) + " after " + std::to_string(dt) + ")");
  }
  return dt;
}

}  // namespace hnn
