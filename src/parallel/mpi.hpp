// MPI helpers: an RAII guard for MPI_Init/Finalize, rank-0 output, and collective error
// agreement so that an error on any rank ends every rank cleanly (no hangs, no MPI_Abort in the
// library).
#pragma once

#include <mpi.h>

#include <exception>
#include <functional>
#include <string>

#include "core/error.hpp"

namespace hnn {

// Initialises MPI (thread level FUNNELED: only the main thread calls MPI) and finalizes it on
// normal destruction. While an exception unwinds it does not finalize (main aborts instead).
class MpiEnv {
 public:
  MpiEnv(int& argc, char**& argv);
  ~MpiEnv();
  MpiEnv(const MpiEnv&) = delete;
  MpiEnv& operator=(const MpiEnv&) = delete;
};

int mpi_rank(MPI_Comm comm = MPI_COMM_WORLD);
int mpi_size(MPI_Comm comm = MPI_COMM_WORLD);

// An error every rank knows about (raised by agree()): main reports it once, from rank 0.
class AgreedError : public Error {
 public:
  using Error::Error;
};

// Collective: every rank calls it with its own outcome (null when it succeeded). If any rank
// failed, every rank throws AgreedError carrying the message of the lowest failing rank.
void agree(MPI_Comm comm, std::exception_ptr local);

// Runs F on every rank and agrees on the outcome (see agree()).
template <class F>
void run_collective(MPI_Comm comm, F&& f) {
  std::exception_ptr err;
  try {
    f();
  } catch (...) {
    err = std::current_exception();
  }
  agree(comm, err);
}

// The same string on every rank: rank ROOT's value.
std::string broadcast_string(MPI_Comm comm, std::string s, int root = 0);

}  // namespace hnn
