#include "io/provenance.hpp"

#include <omp.h>
#include <unistd.h>

#include <Eigen/Core>
#include <chrono>
#include <ctime>

#include "core/version.hpp"
#include "parallel/mpi.hpp"

namespace hnn {

namespace {

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string mpi_library() {
  char buf[MPI_MAX_LIBRARY_VERSION_STRING];
  int n = 0;
  MPI_Get_library_version(buf, &n);
  std::string s(buf, static_cast<std::size_t>(n));
  s = s.substr(0, s.find_first_of(",\n"));
  return s;
}

}  // namespace

std::string version_string() {
  return std::string("hnn ") + version() + " (git " + git_hash() + ")";
}

Provenance collect_provenance(MPI_Comm comm, const std::string& command_line) {
  Provenance p;
  p.version = version();
  p.git_hash = git_hash();
  p.date = broadcast_string(comm, utc_now());
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  p.host = broadcast_string(comm, host);
  p.dependencies = "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
                   std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION) +
                   "; HDF5 " + h5::library_version() + "; " + mpi_library() +
#ifdef HNN_TOML11_VERSION
                   "; toml11 " HNN_TOML11_VERSION
#endif
                   "; GCC " __VERSION__;
  p.command_line = broadcast_string(comm, command_line);
  p.mpi_ranks = mpi_size(comm);
  p.omp_threads = omp_get_max_threads();
  return p;
}

void write_provenance(const h5::File& f, const Provenance& p, const std::string& input_text,
                      const std::string& input_file) {
  h5::write_attr(f, "/", "software", p.software);
  h5::write_attr(f, "/", "version", p.version);
  h5::write_attr(f, "/", "git_hash", p.git_hash);
  h5::write_attr(f, "/", "date", p.date);
  h5::write_attr(f, "/", "host", p.host);
  h5::write_attr(f, "/", "dependencies", p.dependencies);
  h5::write_attr(f, "/", "command_line", p.command_line);
  h5::write_attr(f, "/", "mpi_ranks", std::int64_t{p.mpi_ranks});
  h5::write_attr(f, "/", "omp_threads", std::int64_t{p.omp_threads});
  h5::write_attr(f, "/", "input", input_text);
  h5::write_attr(f, "/", "input_file", input_file);
}

}  // namespace hnn
