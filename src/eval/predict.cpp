#include "eval/predict.hpp"

#include <omp.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/hdf5.hpp"
#include "io/provenance.hpp"
#include "flows/flow.hpp"
#include "models/flow_model.hpp"
#include "models/model_file.hpp"
#include "parallel/mpi.hpp"

namespace hnn {

namespace {

constexpr long kChunk = 256;  // states per model call

// /states of PATH as (dim × n) columns.
Mat read_states(const std::string& path, long dim) {
  if (!std::filesystem::exists(path)) throw IoError(path + ": states file not found");
  const auto f = h5::File::open(path);
  if (!h5::exists(f, "/states")) throw IoError(path + ": no dataset /states (n, dim)");
  const auto ds = h5::Dataset::open(f, "/states");
  if (ds.shape().size() != 2 || static_cast<long>(ds.shape()[1]) != dim)
    throw IoError(path + ": /states must have shape (n, " + std::to_string(dim) +
                  ") for this model (state dimension " + std::to_string(dim) + ")");
  Mat x(dim, static_cast<long>(ds.shape()[0]));
  ds.read_rows(x.data(), 0, ds.rows());  // row-major (n, dim) = column-major (dim × n)
  if (!x.allFinite()) throw IoError(path + ": /states holds non-finite values");
  return x;
}

void write_rows(const h5::File& f, const std::string& name, const Mat& m) {
  const auto rows = static_cast<hsize_t>(m.cols()), cols = static_cast<hsize_t>(m.rows());
  h5::Dataset::create<double>(f, name, {rows, cols}).write_rows(m.data(), 0, rows);
}

// A flow: T⁻¹ (or T) of the states, and the actions and angles of the latent states.
void predict_flow(const LoadedModel& m, const Mat& x, const PredictRequest& req, const h5::File& f) {
  const Flow& flow = static_cast<const FlowModel&>(*m.model).flow();
  const long n = flow.n();
  auto cache = flow.make_cache();
  Mat y(x.rows(), x.cols());
  if (req.latent)
    flow.forward(m.params, x, y, cache);
  else
    flow.inverse(m.params, x, y, cache);
  const Mat& z = req.latent ? x : y;
  const Mat actions = 0.5 * (z.topRows(n).array().square() + z.bottomRows(n).array().square());
  Mat angles(n, z.cols());
  for (long j = 0; j < z.cols(); ++j)
    for (long i = 0; i < n; ++i) angles(i, j) = std::atan2(z(n + i, j), z(i, j));
  write_rows(f, req.latent ? "/physical" : "/latent", y);
  write_rows(f, "/actions", actions);
  write_rows(f, "/angles", angles);
}

// A vector field model: the field at the states, and H and ∇H when the model has an energy.
void predict_field(const LoadedModel& m, const Mat& x, const h5::File& f) {
  const Model& model = *m.model;
  const long n = x.cols(), dim = model.dim(), chunks = (n + kChunk - 1) / kChunk;
  const bool energy = model.has_energy();
  Mat field(dim, n), h(1, energy ? n : 0), g(dim, energy ? n : 0);
  std::vector<std::unique_ptr<Model::Workspace>> ws(
      static_cast<std::size_t>(omp_get_max_threads()));
#pragma omp parallel for schedule(dynamic, 1)
  for (long c = 0; c < chunks; ++c) {
    auto& w = ws[static_cast<std::size_t>(omp_get_thread_num())];
    if (!w) w = model.make_workspace();
    const long b = c * kChunk, len = std::min(kChunk, n - b);
    model.predict_field(m.params, x.middleCols(b, len), *w, field.middleCols(b, len));
    if (energy)
      model.energy_and_gradient(m.params, x.middleCols(b, len), *w, h.middleCols(b, len),
                                g.middleCols(b, len));
  }
  write_rows(f, "/field", field);
  if (energy) {
    h5::Dataset::create<double>(f, "/H", {static_cast<hsize_t>(n)}).write_rows(h.data(), 0,
                                                                                 h.cols());
    write_rows(f, "/grad", g);
  }
}

}  // namespace

PredictSummary predict(const PredictRequest& req, MPI_Comm comm) {
  const Provenance prov = collect_provenance(comm, req.command_line);
  PredictSummary sum;
  run_collective(comm, [&] {
    if (mpi_rank(comm) != 0) return;
    const LoadedModel m = load_model_file(req.model);
    const Model& model = *m.model;
    const bool flow = model.trains_on_trajectories();
    const Mat x = read_states(req.states, model.dim());
    if (std::filesystem::exists(req.output) && !req.overwrite)
      throw IoError(req.output + ": output exists (use --overwrite to replace it)");
    if (req.latent && !flow)
      throw ConfigError("--latent is for flow models; " + req.model + " holds a '" +
                        model.kind() + "' model");

    AtomicH5File out(req.output, MPI_COMM_SELF, req.overwrite);
    const h5::File& f = out.file();
    write_rows(f, "/states", x);
    if (flow)
      predict_flow(m, x, req, f);
    else
      predict_field(m, x, f);
    std::string input =
        "[predict]\nmodel = \"" + req.model + "\"\nstates = \"" + req.states + "\"\n";
    if (flow) input += std::string("latent = ") + (req.latent ? "true" : "false") + "\n";
    write_provenance(f, prov, input, req.states);
    h5::write_attr(f, "/", "format", std::string("hnn-prediction"));
    h5::write_attr(f, "/", "format_version", std::int64_t{1});
    h5::write_attr(f, "/", "model", model.kind());
    h5::write_attr(f, "/", "model_file", req.model);
    h5::write_attr(f, "/", "states_file", req.states);
    h5::write_attr(f, "/", "n_params", std::int64_t{model.n_params()});
    out.commit();
    sum.output = req.output;
    sum.model = model.kind();
    sum.n = x.cols();
    sum.dim = model.dim();
    sum.has_energy = !flow && model.has_energy();
  });
  return sum;
}

}  // namespace hnn
