// `hnn summarize`: one table of many runs (a sweep, seeds, reference tasks), one row per run.
//
// A run is a model file (format "hnn-model", hnn train's output) found directly in one of the
// given directories; its evaluations are the "hnn-evaluation" files in the same directory whose
// `model_file` attribute names it (same file name). A directory with no model file is one row
// too, listed as unfinished (a `status` file saying running/requeued, or checkpoints in
// checkpoints/) or failed (a `status` file saying so, an unreadable model file, or nothing).
// A `status` file (written by the job scripts: running | requeued | done | failed (...)) that
// does not say "done" overrides "done" (e.g. training finished, evaluation failed).
//
// Columns, in this order (missing numbers are NaN, missing text is empty):
//   run (directory), status (done | unfinished | failed), detail, model_file, eval_file,
//   model, system, data                                   text, from the model file
//   steps, n_params, train_loss, test_loss                numbers; the losses are the last
//                                                         entries of /history
//   metric.<name>                                         numbers, /metrics of the evaluation
//   input.<section>.<key>                                 text, the resolved training input
//                                                         (model file, else the newest
//                                                         checkpoint, else input.toml; for a
//                                                         run with none, the overrides in
//                                                         overrides.txt, as written)
//
// Output: OUT (HDF5): /runs/<column> one dataset per column, float64 (n_runs) or variable-length
// UTF-8 strings (n_runs); root attributes format = "hnn-summary", format_version = 1, n_runs,
// columns (the column names, comma-separated, in order) and the provenance. Beside it OUT with
// the extension .csv: a header line and one line per run (RFC 4180 quoting).
#pragma once

#include <mpi.h>

#include <map>
#include <string>
#include <vector>

namespace hnn {

struct SummarizeRequest {
  std::vector<std::string> dirs;
  std::string output = "summary.h5";
  bool overwrite = false;
  std::string command_line;
};

struct SummaryRow {
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> texts;
};

struct SummaryTable {
  std::vector<std::string> columns;  // in output order
  std::vector<bool> numeric;         // per column
  std::vector<SummaryRow> rows;
};

struct SummarizeResult {
  std::string output, csv;
  long n_runs = 0, n_done = 0, n_unfinished = 0, n_failed = 0;
  long n_columns = 0;
};

// Reads the runs (serially). Throws ConfigError if a path is not a directory.
SummaryTable collect_runs(const std::vector<std::string>& dirs);

// Collective over COMM; rank 0 does the work. Throws AgreedError on every rank on failure (no
// output left behind). The result is filled on rank 0.
SummarizeResult summarize(const SummarizeRequest& req, MPI_Comm comm);

// The resolved input (attribute `input`) stored in any hnn output file. Throws IoError.
std::string stored_input(const std::string& path);

}  // namespace hnn
