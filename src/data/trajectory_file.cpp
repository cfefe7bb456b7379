#include "data/trajectory_file.hpp"

#include <algorithm>

#include "parallel/mpi.hpp"

namespace hnn {

namespace {

using hs = hsize_t;

}  // namespace

TrajectoryWriter::TrajectoryWriter(const h5::File& f, const TrajectoryShape& s, int gzip)
    : f_(f), shape_(s) {
  const hs nt = static_cast<hs>(s.n_traj), nm = static_cast<hs>(s.n_time),
           d = static_cast<hs>(s.dim);
  // Chunks of whole trajectories, about 1 MiB each: a rank reads its shard as whole chunks, and
  // writes are not dominated by per-chunk overhead (one trajectory per chunk cost ~30% of a
  // generate run; docs/benchmarks.md).
  const hs per_chunk = std::clamp<hs>((hs{1} << 20) / (8 * nm * d), 1, std::max<hs>(nt, 1));
  h5::Dataset::Options opt{{per_chunk, nm, d}, gzip};
  x_ = h5::Dataset::create<double>(f, "/trajectories/x", {nt, nm, d}, opt);
  dxdt_ = h5::Dataset::create<double>(f, "/trajectories/dxdt", {nt, nm, d}, opt);
  h5::Dataset::Options opt2{{per_chunk, nm}, gzip};
  if (s.has_energy) energy_ = h5::Dataset::create<double>(f, "/trajectories/energy", {nt, nm}, opt2);
  if (s.frame_height > 0) {
    const hs px = static_cast<hs>(s.frame_height * s.frame_width);
    const hs per = std::clamp<hs>((hs{1} << 20) / (4 * nm * px), 1, std::max<hs>(nt, 1));
    frames_ = h5::Dataset::create<float>(f, "/trajectories/frames", {nt, nm, px},
                                         h5::Dataset::Options{{per, nm, px}, gzip});
    h5::write_attr(f, "/", "frame_height", std::int64_t{s.frame_height});
    h5::write_attr(f, "/", "frame_width", std::int64_t{s.frame_width});
  }
  if (s.time_per_trajectory)
    t_ = h5::Dataset::create<double>(f, "/trajectories/t", {nt, nm}, opt2);
  else
    t_ = h5::Dataset::create<double>(f, "/trajectories/t", {nm});
  h5::write_attr(f, "/", "format", std::string(kTrajectoryFormat));
  h5::write_attr(f, "/", "format_version", kTrajectoryFormatVersion);
  h5::write_attr(f, "/", "n_trajectories", std::int64_t{s.n_traj});
  h5::write_attr(f, "/", "n_times", std::int64_t{s.n_time});
  h5::write_attr(f, "/", "dim", std::int64_t{s.dim});
  h5::write_attr(f, "/", "dof", std::int64_t{s.dim / 2});
}

void TrajectoryWriter::write_block(std::int64_t first, std::int64_t count, const double* x,
                                   const double* dxdt, const double* energy, const double* t) {
  const hs b = static_cast<hs>(first), n = static_cast<hs>(count);
  x_.write_rows(x, b, n);
  dxdt_.write_rows(dxdt, b, n);
  if (shape_.has_energy) energy_.write_rows(energy, b, n);
  if (shape_.time_per_trajectory) t_.write_rows(t, b, n);
}

void TrajectoryWriter::write_frames(std::int64_t first, std::int64_t count, const float* frames) {
  frames_.write_rows(frames, static_cast<hs>(first), static_cast<hs>(count));
}

void TrajectoryWriter::write_times(const std::vector<double>& t) {
  const bool root = !f_.parallel() || mpi_rank() == 0;
  t_.write_rows(t.data(), 0, root ? t.size() : 0);
}

void TrajectoryWriter::write_split(const std::vector<std::int64_t>& train,
                                   const std::vector<std::int64_t>& test) {
  const bool root = !f_.parallel() || mpi_rank() == 0;
  auto tr = h5::Dataset::create<std::int64_t>(f_, "/split/train", {train.size()});
  tr.write_rows(train.data(), 0, root ? train.size() : 0);
  auto te = h5::Dataset::create<std::int64_t>(f_, "/split/test", {test.size()});
  te.write_rows(test.data(), 0, root ? test.size() : 0);
}

void make_split(std::int64_t n_traj, std::int64_t n_test, bool test_first,
                std::vector<std::int64_t>& train, std::vector<std::int64_t>& test) {
  train.clear();
  test.clear();
  for (std::int64_t i = 0; i < n_traj; ++i) {
    const bool is_test = test_first ? i < n_test : i >= n_traj - n_test;
    (is_test ? test : train).push_back(i);
  }
}

Shard shard_of(std::int64_t n, int rank, int size) {
  const std::int64_t base = n / size, extra = n % size;
  const std::int64_t begin = rank * base + std::min<std::int64_t>(rank, extra);
  return {begin, begin + base + (rank < extra ? 1 : 0)};
}

}  // namespace hnn
