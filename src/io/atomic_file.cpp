#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "parallel/mpi.hpp"

namespace hnn {

namespace {

void fsync_path(const std::string& p) {
  const int fd = ::open(p.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

AtomicH5File::AtomicH5File(const std::string& path, MPI_Comm comm, bool overwrite)
    : path_(path), comm_(comm) {
  namespace fs = std::filesystem;
  run_collective(comm, [&] {
    if (mpi_rank(comm) != 0) return;
    if (path.empty()) throw IoError("output path is empty");
    if (fs::exists(path) && !overwrite)
      throw IoError(path + ": output exists (use --overwrite to replace it)");
    if (fs::is_directory(path)) throw IoError(path + ": output is a directory");
    const fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::is_directory(parent) && !fs::create_directories(parent, ec))
      throw IoError(path + ": cannot create output directory " + parent.string() + ": " +
                    ec.message());
  });
  tmp_ = broadcast_string(comm, path + ".partial-" + std::to_string(::getpid()));
  run_collective(comm, [&] {
    try {
      file_ = h5::File::create(tmp_, mpi_size(comm) > 1 ? comm : MPI_COMM_NULL);
    } catch (const IoError&) {
      throw IoError(path + ": cannot create output file (no permission or no space?)");
    }
  });
}

void AtomicH5File::commit() {
  run_collective(comm_, [&] { file_.close(); });
  run_collective(comm_, [&] {
    if (mpi_rank(comm_) != 0) return;
    fsync_path(tmp_);
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
      throw IoError(path_ + ": cannot rename " + tmp_ + " to it");
    const auto parent = std::filesystem::path(path_).parent_path();
    fsync_path(parent.empty() ? "." : parent.string());
  });
  committed_ = true;
}

AtomicH5File::~AtomicH5File() {
  if (committed_) return;
  file_ = h5::File();  // closes (collectively; every rank unwinds through here)
  if (mpi_rank(comm_) == 0 && !tmp_.empty()) std::remove(tmp_.c_str());
}

}  // namespace hnn
