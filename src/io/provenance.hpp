// Provenance stored on every output file (after the openPMD habit): software, version and git
// hash, date, host, dependencies, the command line and the full resolved input.
#pragma once

#include <mpi.h>

#include <string>

#include "io/hdf5.hpp"

namespace hnn {

struct Provenance {
  std::string software = "hnn";
  std::string version;
  std::string git_hash;
  std::string date;          // ISO 8601, UTC
  std::string host;
  std::string dependencies;  // "Eigen 3.4.0; HDF5 1.10.8; ..."
  std::string command_line;
  int mpi_ranks = 1;
  int omp_threads = 1;
};

// Collective over COMM: rank 0's date and host, broadcast so every rank writes the same values.
Provenance collect_provenance(MPI_Comm comm, const std::string& command_line);

// Root attributes: software, version, git_hash, date, host, dependencies, command_line,
// mpi_ranks, omp_threads, input (the resolved input text) and input_file.
void write_provenance(const h5::File& f, const Provenance& p, const std::string& input_text,
                      const std::string& input_file);

// "hnn 0.1.0 (git abc123)"
std::string version_string();

}  // namespace hnn
