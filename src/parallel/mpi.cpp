#include "parallel/mpi.hpp"

#include <climits>
#include <vector>

namespace hnn {

MpiEnv::MpiEnv(int& argc, char**& argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
}

MpiEnv::~MpiEnv() {
  if (std::uncaught_exceptions() == 0) MPI_Finalize();
}

int mpi_rank(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}

int mpi_size(MPI_Comm comm) {
  int s = 1;
  MPI_Comm_size(comm, &s);
  return s;
}

std::string broadcast_string(MPI_Comm comm, std::string s, int root) {
  int n = static_cast<int>(s.size());
  MPI_Bcast(&n, 1, MPI_INT, root, comm);
  s.resize(static_cast<std::size_t>(n));
  MPI_Bcast(s.data(), n, MPI_CHAR, root, comm);
  return s;
}

void agree(MPI_Comm comm, std::exception_ptr local) {
  const int me = mpi_rank(comm);
  const int mine = local ? me : INT_MAX;
  int first = INT_MAX;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == INT_MAX) return;
  std::string msg;
  if (me == first) {
    try {
      std::rethrow_exception(local);
    } catch (const std::exception& e) {
      msg = e.what();
    } catch (...) {
      msg = "unknown error";
    }
  }
  msg = broadcast_string(comm, msg, first);
  if (mpi_size(comm) > 1 && first != 0) msg += " (on rank " + std::to_string(first) + ")";
  throw AgreedError(msg);
}

}  // namespace hnn
