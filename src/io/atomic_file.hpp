// An HDF5 output that appears under its final name only when complete: it is written to a
// temporary name beside the target and renamed on commit(); if the writer fails, the temporary
// is removed. So a file under the final name is always whole. Collective over COMM.
#pragma once

#include <mpi.h>

#include <string>

#include "io/hdf5.hpp"

namespace hnn {

class AtomicH5File {
 public:
  // Creates missing parent directories. Throws (on every rank, agreed) if PATH exists and
  // OVERWRITE is false, or if the temporary
  // cannot be created (missing directory, no permission).
  AtomicH5File(const std::string& path, MPI_Comm comm, bool overwrite);
  ~AtomicH5File();
  AtomicH5File(const AtomicH5File&) = delete;
  AtomicH5File& operator=(const AtomicH5File&) = delete;

  h5::File& file() { return file_; }
  const std::string& path() const { return path_; }
  const std::string& temporary_path() const { return tmp_; }
  // Closes, syncs and renames the temporary to the final path. Collective.
  void commit();

 private:
  std::string path_, tmp_;
  MPI_Comm comm_;
  h5::File file_;
  bool committed_ = false;
};

}  // namespace hnn
