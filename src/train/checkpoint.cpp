#include "train/checkpoint.hpp"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <regex>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/hdf5.hpp"
#include "parallel/mpi.hpp"

namespace hnn {

namespace fs = std::filesystem;

namespace {

std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::int64_t checksum(const TrainState& s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  const std::int64_t steps[2] = {s.step, s.optimizer_step};
  h = fnv1a(h, steps, sizeof steps);
  for (const Vec* v : {&s.params, &s.m, &s.v})
    h = fnv1a(h, v->data(), static_cast<std::size_t>(v->size()) * sizeof(double));
  std::int64_t out;
  std::memcpy(&out, &h, sizeof out);
  return out;
}

void write_vec(const h5::File& f, const std::string& name, const double* data, std::size_t n) {
  h5::Dataset::create<double>(f, name, {n}).write_rows(data, 0, n);
}

std::string name_for(long step) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "ckpt-%09ld.h5", step);
  return buf;
}

// Checkpoint files in DIR, newest (highest step) first.
std::vector<fs::path> list_checkpoints(const std::string& dir) {
  std::vector<std::pair<long, fs::path>> found;
  const std::regex re(R"(ckpt-(\d+)\.h5)");
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::smatch m;
    const std::string name = e.path().filename().string();
    if (std::regex_match(name, m, re)) found.emplace_back(std::stol(m[1]), e.path());
  }
  std::sort(found.begin(), found.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::vector<fs::path> out;
  for (auto& [step, p] : found) out.push_back(p);
  return out;
}

}  // namespace

std::string write_checkpoint(const std::string& dir, const TrainState& s, int keep,
                             const std::string& input_text, const Provenance& prov) {
  const std::string path = (fs::path(dir) / name_for(s.step)).string();
  {
    AtomicH5File out(path, MPI_COMM_SELF, true);
    const h5::File& f = out.file();
    write_vec(f, "/params", s.params.data(), static_cast<std::size_t>(s.params.size()));
    write_vec(f, "/optimizer/m", s.m.data(), static_cast<std::size_t>(s.m.size()));
    write_vec(f, "/optimizer/v", s.v.data(), static_cast<std::size_t>(s.v.size()));
    write_vec(f, "/history/step", s.hist_step.data(), s.hist_step.size());
    write_vec(f, "/history/train_loss", s.hist_train.data(), s.hist_train.size());
    write_vec(f, "/history/test_loss", s.hist_test.data(), s.hist_test.size());
    write_vec(f, "/history/lr", s.hist_lr.data(), s.hist_lr.size());
    if (!s.objective_state.empty())
      write_vec(f, "/objective_state", s.objective_state.data(), s.objective_state.size());
    write_provenance(f, prov, input_text, "");
    h5::write_attr(f, "/", "format", std::string(kCheckpointFormat));
    h5::write_attr(f, "/", "format_version", kCheckpointFormatVersion);
    h5::write_attr(f, "/", "step", std::int64_t{s.step});
    h5::write_attr(f, "/", "optimizer_step", std::int64_t{s.optimizer_step});
    h5::write_attr(f, "/", "checksum", checksum(s));
    h5::write_attr(f, "/", "complete", std::int64_t{1});
    out.commit();
  }
  const auto all = list_checkpoints(dir);
  for (std::size_t i = static_cast<std::size_t>(std::max(keep, 1)); i < all.size(); ++i)
    fs::remove(all[i]);
  return path;
}

TrainState load_checkpoint(const std::string& path) {
  auto f = h5::File::open(path);
  if (!h5::has_attr(f, "/", "format") || h5::read_attr_string(f, "/", "format") != kCheckpointFormat)
    throw IoError(path + ": not an hnn checkpoint");
  if (h5::read_attr_int(f, "/", "format_version") != kCheckpointFormatVersion)
    throw IoError(path + ": checkpoint format version " +
                  std::to_string(h5::read_attr_int(f, "/", "format_version")) + " (expected " +
                  std::to_string(kCheckpointFormatVersion) + ")");
  if (!h5::has_attr(f, "/", "complete")) throw IoError(path + ": incomplete checkpoint");
  TrainState s;
  s.step = h5::read_attr_int(f, "/", "step");
  s.optimizer_step = h5::read_attr_int(f, "/", "optimizer_step");
  auto vec = [&](const char* name) {
    const auto v = h5::Dataset::open(f, name).read_all<double>();
    return Vec(Eigen::Map<const Vec>(v.data(), static_cast<long>(v.size())));
  };
  s.params = vec("/params");
  s.m = vec("/optimizer/m");
  s.v = vec("/optimizer/v");
  s.hist_step = h5::Dataset::open(f, "/history/step").read_all<double>();
  s.hist_train = h5::Dataset::open(f, "/history/train_loss").read_all<double>();
  s.hist_test = h5::Dataset::open(f, "/history/test_loss").read_all<double>();
  s.hist_lr = h5::Dataset::open(f, "/history/lr").read_all<double>();
  if (h5::exists(f, "/objective_state"))
    s.objective_state = h5::Dataset::open(f, "/objective_state").read_all<double>();
  if (checksum(s) != h5::read_attr_int(f, "/", "checksum"))
    throw IoError(path + ": checksum mismatch (damaged checkpoint)");
  return s;
}

std::optional<TrainState> load_latest_checkpoint(const std::string& dir, std::string* path) {
  for (const auto& p : list_checkpoints(dir)) {
    try {
      TrainState s = load_checkpoint(p.string());
      if (path) *path = p.string();
      return s;
    } catch (const Error& e) {
      std::fprintf(stderr, "hnn: note: skipping %s\n", e.what());
    }
  }
  return std::nullopt;
}

void broadcast_state(MPI_Comm comm, TrainState& s, int root) {
  long head[3] = {s.step, s.optimizer_step, static_cast<long>(s.params.size())};
  MPI_Bcast(head, 3, MPI_LONG, root, comm);
  s.step = head[0];
  s.optimizer_step = head[1];
  for (Vec* v : {&s.params, &s.m, &s.v}) {
    v->resize(head[2]);
    MPI_Bcast(v->data(), static_cast<int>(head[2]), MPI_DOUBLE, root, comm);
  }
  for (auto* h : {&s.hist_step, &s.hist_train, &s.hist_test, &s.hist_lr, &s.objective_state}) {
    long n = static_cast<long>(h->size());
    MPI_Bcast(&n, 1, MPI_LONG, root, comm);
    h->resize(static_cast<std::size_t>(n));
    MPI_Bcast(h->data(), static_cast<int>(n), MPI_DOUBLE, root, comm);
  }
}

}  // namespace hnn
