// `hnn import`: measured data as text columns -> the trajectory data set, with finite-difference
// time-derivative targets (the reference's convention for the real pendulum: forward
// differences, the last sample of each trajectory dropped).
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

namespace hnn {

struct ImportRequest {
  std::string input, output;
  std::string columns = "t,q,p";   // id, t, q, p or skip per column
  std::string derivative = "forward";  // forward | central
  bool as_points = false;          // each row its own length-1 trajectory
  std::string test_rows;           // "A:B" rows (after differencing), with as_points
  long n_test = 0;                 // test trajectories (without as_points)
  std::string test_position = "last";
  bool overwrite = false;
  std::string command_line;
};

struct ImportSummary {
  std::string output;
  long rows = 0, n_traj = 0, n_time = 0, dim = 0, n_train = 0, n_test = 0;
};

// Reads and checks on every rank (the file is small), writes collectively. Errors name the file
// and line. Throws AgreedError on every rank.
ImportSummary import_text(const ImportRequest& req, MPI_Comm comm);

}  // namespace hnn
