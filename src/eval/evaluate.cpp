#include "eval/evaluate.hpp"

#include <omp.h>

#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/generate.hpp"
#include "data/trajectory_reader.hpp"
#include "eval/evaluate_flow.hpp"
#include "eval/evaluate_hgn.hpp"
#include "eval/evaluate_pixel.hpp"
#include "eval/metrics.hpp"
#include "eval/output.hpp"
#include "eval/parallel_for.hpp"
#include "integrators/dopri5.hpp"
#include "integrators/implicit_midpoint.hpp"
#include "io/atomic_file.hpp"
#include "io/config.hpp"
#include "io/hdf5.hpp"
#include "io/provenance.hpp"
#include "models/learned_field.hpp"
#include "models/model_file.hpp"
#include "parallel/mpi.hpp"
#include "systems/registry.hpp"

namespace hnn {

namespace fs = std::filesystem;

namespace {

// Rollout i draws its initial state from Rng(seed, kRolloutStream + i): streams disjoint from
// those of the data set's trajectories (0 .. n_traj − 1), so the states are fresh even when
// the evaluation seed equals the data's seed.
constexpr std::uint64_t kRolloutStream = std::uint64_t{1} << 40;
constexpr double kTrueTol = 1e-12;  // rtol = atol of the true-system reference trajectories
constexpr long kChunk = 256;        // samples per loss chunk

struct Settings {
  std::string data, energy, integrator;
  std::uint64_t seed = 0;
  long n_rollouts = 0, n_times = 0;
  double t_end = 0;
  Dopri5Options dopri;
  double dt = 0;
  ImplicitMidpointOptions midpoint;
  std::string resolved, source;
};

// The data set: its layout, its system (null for measured data) and its name.
struct Data {
  TrajectoryFileInfo info;
  std::unique_ptr<System> system;
  bool measured = false;
};

Data open_data(const std::string& path) {
  Data d;
  d.info = read_trajectory_info(path);
  d.measured = d.info.system == "measured";
  if (d.measured) return d;
  const auto f = h5::File::open(path);
  if (!h5::has_attr(f, "/", "input"))
    throw IoError(path + ": no stored input (attribute 'input'), so its system is unknown");
  Config cfg = Config::from_string(h5::read_attr_string(f, "/", "input"), path + " (stored input)");
  if (!cfg.has_section("system"))
    throw IoError(path + ": the stored input has no [system] section (system '" + d.info.system +
                  "' is not a known one)");
  d.system = make_system(cfg.section("system"));
  if (d.system->dim() != d.info.dim)
    throw IoError(path + ": system '" + d.system->name() + "' has dimension " +
                  std::to_string(d.system->dim()) + ", the data " + std::to_string(d.info.dim));
  return d;
}

// The model's training data: its [data] path as given (relative to where hnn train ran), or,
// when that is a relative path that does not exist here, the same path beside the model file.
std::string default_data_path(const LoadedModel& m) {
  const fs::path p(m.data_path);
  if (m.data_path.empty() || p.is_absolute() || fs::exists(p)) return m.data_path;
  const fs::path beside = fs::path(m.path).parent_path() / p;
  return fs::exists(beside) ? beside.string() : m.data_path;
}

Settings read_settings(Config& cfg, const LoadedModel& m, Data& data, const EvaluateRequest& req) {
  Settings s;
  s.source = cfg.source();
  cfg.check_sections({"evaluate"});
  Section ev = cfg.section("evaluate");
  s.data = ev.get_string("data", default_data_path(m));
  ev.require(!s.data.empty(), "data", "no data set: the model's input has no [data] path");
  s.energy = ev.get_choice("energy", {"system", "q2p2", "real_pendulum", "none"}, "system");
  s.integrator = ev.get_choice("integrator", {"dopri5", "implicit_midpoint"}, "dopri5");
  if (s.integrator == "dopri5") {
    s.dopri.rtol = ev.get_positive("rtol", 1e-12);
    s.dopri.atol = ev.get_positive("atol", 1e-12);
  } else {
    s.dt = ev.get_positive("dt");
    s.midpoint.tol = ev.get_positive("tol", 1e-14);
    s.midpoint.max_iter = static_cast<int>(ev.get_count("max_iter", 100));
  }
  if (!fs::exists(s.data))
    ev.fail("data", "data set not found (the model was trained on '" + m.data_path +
                        "'; set evaluate.data=PATH)");
  data = open_data(s.data);
  if (data.info.dim != m.model->dim())
    ev.fail("data", "the data have dimension " + std::to_string(data.info.dim) + ", the model " +
                        std::to_string(m.model->dim()));
  if (s.energy == "real_pendulum" && data.info.dim != 2)
    ev.fail("energy", "needs a one-degree-of-freedom state (q, p)");
  if (data.measured) {
    if (s.energy == "system")
      ev.fail("energy", "the data set " + s.data + " is measured (system \"measured\"): there is "
                        "no true Hamiltonian; set evaluate.energy = \"real_pendulum\" "
                        "(2.4(1 − cos q) + p²), \"q2p2\" or \"none\"");
    for (const char* k : {"seed", "n_rollouts", "t_end", "n_times"})
      if (ev.has(k))
        ev.fail(k, "not used with measured data: the rollouts follow the test segment");
    if (data.info.test.empty()) ev.fail("data", "measured data without a test split: no rollout");
  } else {
    s.seed = static_cast<std::uint64_t>(ev.get_count("seed", 0, 0));
    s.n_rollouts = ev.get_count("n_rollouts", 15, 5);
    s.t_end = ev.get_positive("t_end", 20.0);
    s.n_times = ev.get_count("n_times", 100, 2);
  }
  cfg.check_all_used();
  s.resolved = cfg.resolved_text();
  if (fs::exists(req.output) && !req.overwrite)
    throw IoError(req.output + ": output exists (use --overwrite to replace it)");
  return s;
}

// The model's predicted dx/dt at the columns of X (dim × n), in chunks on OpenMP threads.
Mat predict(const Model& model, ConstVecRef theta, const Mat& x) {
  Mat out(x.rows(), x.cols());
  const long chunks = (x.cols() + kChunk - 1) / kChunk;
  std::vector<std::unique_ptr<Model::Workspace>> ws(
      static_cast<std::size_t>(omp_get_max_threads()));
  parallel_for(chunks, [&](long c) {
    auto& w = ws[static_cast<std::size_t>(omp_get_thread_num())];
    if (!w) w = model.make_workspace();
    const long b = c * kChunk, len = std::min(kChunk, x.cols() - b);
    model.predict_field(theta, x.middleCols(b, len), *w, out.middleCols(b, len));
  });
  return out;
}

MeanPm split_loss(const Model& model, ConstVecRef theta, const TrajectoryFileInfo& info,
                  const std::vector<std::int64_t>& traj) {
  Mat x, dxdt;
  read_samples(info, traj, x, dxdt);
  return loss_with_pm(predict(model, theta, x), dxdt);
}

// Rollouts: n × T states as (dim × (n·T)) columns, column i·T + k = rollout i at time k
// (the row-major (n, T, dim) layout of the output file).
struct Rollouts {
  long n = 0, T = 0;
  Mat t;                  // (n × T) times
  Mat x_true, x_learned;  // (dim × n·T)
};

// Generated data: fresh initial states from the system's sampler; truth by dopri5 at 1e-12.
void roll_out_system(const System& sys, const Settings& s, Rollouts& r) {
  r.n = s.n_rollouts;
  r.T = s.n_times;
  const auto times = linspace(0.0, s.t_end, s.n_times);
  r.t.resize(r.n, r.T);
  for (long i = 0; i < r.n; ++i)
    for (long k = 0; k < r.T; ++k) r.t(i, k) = times[static_cast<std::size_t>(k)];
  r.x_true.resize(sys.dim(), r.n * r.T);
  parallel_for(r.n, [&](long i) {
    Rng rng(s.seed, kRolloutStream + static_cast<std::uint64_t>(i));
    const Vec x0 = sys.sample(rng);
    Dopri5 truth(Dopri5Options{kTrueTol, kTrueTol});
    try {
      truth.integrate(sys, x0, 0.0, times, r.x_true.col(i * r.T).data());
    } catch (const NumericsError& e) {
      throw NumericsError("rollout " + std::to_string(i) + " of the true system: " + e.what());
    }
  });
}

// Measured data: the test segment is the truth; the rollouts start at its first samples.
void roll_out_measured(const TrajectoryFileInfo& info, Rollouts& r) {
  Mat x, dxdt;
  read_samples(info, info.test, x, dxdt);
  const auto f = h5::File::open(info.path);
  const auto tds = h5::Dataset::open(f, "/trajectories/t");
  const auto tall = tds.read_all<double>();
  const bool per_traj = tds.shape().size() == 2;
  auto time_of = [&](std::int64_t traj, std::int64_t k) {
    return tall[static_cast<std::size_t>(per_traj ? traj * info.n_time + k : k)];
  };
  const auto n_test = static_cast<long>(info.test.size());
  if (info.n_time == 1) {  // points: the test points in order are one rollout
    r.n = 1;
    r.T = n_test;
  } else {
    r.n = n_test;
    r.T = info.n_time;
  }
  r.t.resize(r.n, r.T);
  for (long j = 0; j < n_test; ++j)
    for (long k = 0; k < info.n_time; ++k) {
      const long col = j * info.n_time + k;
      r.t(col / r.T, col % r.T) = time_of(info.test[static_cast<std::size_t>(j)], k);
    }
  for (long i = 0; i < r.n; ++i)
    for (long k = 1; k < r.T; ++k)
      if (!(r.t(i, k) > r.t(i, k - 1)))
        throw IoError(info.path + ": the times of the test segment do not increase (t = " +
                      std::to_string(r.t(i, k)) + " after " + std::to_string(r.t(i, k - 1)) +
                      "): cannot roll out over it");
  r.x_true = std::move(x);
}

void roll_out_learned(const LoadedModel& m, const Settings& s, Rollouts& r) {
  r.x_learned.resize(m.model->dim(), r.n * r.T);
  parallel_for(r.n, [&](long i) {
    std::unique_ptr<VectorField> field;
    if (m.model->has_energy())
      field = std::make_unique<LearnedHamiltonian>(*m.model, m.params);
    else
      field = std::make_unique<LearnedField>(*m.model, m.params);
    std::unique_ptr<Integrator> integ;
    if (s.integrator == "dopri5")
      integ = std::make_unique<Dopri5>(s.dopri);
    else
      integ = std::make_unique<ImplicitMidpoint>(s.dt, s.midpoint);
    const Vec x0 = r.x_true.col(i * r.T);
    const Vec ti = r.t.row(i).transpose();
    try {
      integ->integrate(*field, x0, ti[0], std::span<const double>(ti.data(), ti.size()),
                       r.x_learned.col(i * r.T).data());
    } catch (const NumericsError& e) {
      throw NumericsError("rollout " + std::to_string(i) + " of the learned model (" +
                          s.integrator + "): " + e.what());
    }
  });
}

using EnergyFn = std::function<double(ConstVecRef)>;

EnergyFn energy_function(const std::string& name, const System* sys) {
  if (name == "system") return [sys](ConstVecRef x) { return sys->energy(x); };
  if (name == "q2p2") return [](ConstVecRef x) { return x.squaredNorm(); };
  return [](ConstVecRef x) { return 2.4 * (1.0 - std::cos(x[0])) + x[1] * x[1]; };
}

// E at every state of X (dim × n·T) -> (n × T).
Mat energies(const EnergyFn& e, const Mat& x, long n, long T) {
  Mat out(n, T);
  for (long i = 0; i < n; ++i)
    for (long k = 0; k < T; ++k) out(i, k) = e(x.col(i * T + k));
  if (!out.allFinite()) throw NumericsError("non-finite energy along a rollout");
  return out;
}

// H_θ at every state of X (dim × n·T) -> (n × T).
Mat model_energies(const Model& model, ConstVecRef theta, const Mat& x, long n, long T) {
  Mat out(n, T);
  parallel_for(n, [&](long i) {
    auto ws = model.make_workspace();
    Mat h(1, T), g(model.dim(), T);
    model.energy_and_gradient(theta, x.middleCols(i * T, T), *ws, h, g);
    out.row(i) = h.row(0);
  });
  return out;
}

}  // namespace

EvaluateSummary evaluate(const EvaluateRequest& req, MPI_Comm comm) {
  const auto t_start = std::chrono::steady_clock::now();
  const Provenance prov = collect_provenance(comm, req.command_line);
  EvaluateSummary sum;
  run_collective(comm, [&] {
    if (mpi_rank(comm) != 0) return;
    const LoadedModel m = load_model_file(req.model);
    Config cfg = req.input.empty() ? Config::from_string("", "command line", req.overrides)
                                   : Config::from_file(req.input, req.overrides);
    if (m.model->trains_on_rollouts()) {  // the HGN: decoded rollouts, H along latent rollouts
      sum = evaluate_hgn(m, cfg, default_data_path(m), req, prov);
      return;
    }
    if (m.model->trains_on_frames()) {  // a pixel model: decoded latent rollouts
      sum = evaluate_pixel(m, cfg, default_data_path(m), req, prov);
      return;
    }
    if (m.model->trains_on_trajectories()) {  // a symplectic flow: action-angle diagnostics
      sum = evaluate_flow(m, cfg, default_data_path(m), req, prov);
      return;
    }
    Data data;
    const Settings s = read_settings(cfg, m, data, req);
    const Model& model = *m.model;
    const long dim = model.dim();
    sum.model = model.kind();
    sum.system = data.measured ? "measured" : data.system->name();
    sum.energy = s.energy;
    sum.integrator = s.integrator;

    // Losses over the whole splits.
    const MeanPm train = split_loss(model, m.params, data.info, data.info.train);
    const MeanPm test = split_loss(model, m.params, data.info, data.info.test);
    sum.metrics.push_back({"train_loss", train.mean, true, train.pm});
    sum.metrics.push_back({"test_loss", test.mean, true, test.pm});

    // Rollouts of the truth and of the learned field from the same initial states.
    Rollouts r;
    if (data.measured)
      roll_out_measured(data.info, r);
    else
      roll_out_system(*data.system, s, r);
    roll_out_learned(m, s, r);
    sum.n_rollouts = r.n;
    sum.n_times = r.T;
    sum.metrics.push_back({"state_mse", state_mse(r.x_learned, r.x_true), false, 0});

    Mat e_tt, e_tl, e_ml;
    if (s.energy != "none") {
      const EnergyFn e = energy_function(s.energy, data.system.get());
      e_tt = energies(e, r.x_true, r.n, r.T);
      e_tl = energies(e, r.x_learned, r.n, r.T);
      const MeanPm em = energy_mse(e_tl, e_tt);
      sum.metrics.push_back({"energy_mse", em.mean, true, em.pm});
      if (s.energy == "system" && sum.system == "pendulum") {
        const EnergyFn q2p2 = energy_function("q2p2", nullptr);
        const MeanPm eq = energy_mse(energies(q2p2, r.x_learned, r.n, r.T),
                                     energies(q2p2, r.x_true, r.n, r.T));
        sum.metrics.push_back({"energy_mse_q2p2", eq.mean, true, eq.pm});
      }
      sum.metrics.push_back({"energy_drift_true", energy_drift(e_tl), false, 0});
    } else {
      sum.notes.push_back("energy metrics skipped (evaluate.energy = \"none\")");
    }
    if (model.has_energy()) {
      e_ml = model_energies(model, m.params, r.x_learned, r.n, r.T);
      sum.metrics.push_back({"energy_drift_model", energy_drift(e_ml), false, 0});
    }

    AtomicH5File out(req.output, MPI_COMM_SELF, req.overwrite);
    const h5::File& f = out.file();
    const auto n = static_cast<hsize_t>(r.n), T = static_cast<hsize_t>(r.T),
               d = static_cast<hsize_t>(dim);
    bool shared_t = true;
    for (long i = 1; i < r.n; ++i) shared_t = shared_t && r.t.row(i) == r.t.row(0);
    if (shared_t) {
      const Vec t0 = r.t.row(0).transpose();
      h5::Dataset::create<double>(f, "/rollouts/t", {T}).write_rows(t0.data(), 0, T);
    } else {
      write_matrix(f, "/rollouts/t", Mat(r.t.transpose()), {n, T});
    }
    write_matrix(f, "/rollouts/x_true", r.x_true, {n, T, d});
    write_matrix(f, "/rollouts/x_learned", r.x_learned, {n, T, d});
    if (s.energy != "none") {
      write_matrix(f, "/rollouts/energy_true_on_true", Mat(e_tt.transpose()), {n, T});
      write_matrix(f, "/rollouts/energy_true_on_learned", Mat(e_tl.transpose()), {n, T});
    }
    if (model.has_energy())
      write_matrix(f, "/rollouts/energy_model_on_learned", Mat(e_ml.transpose()), {n, T});
    write_evaluation_common(f, sum.metrics, prov, s.resolved,
                            req.input.empty() ? s.source : req.input, "hnn-evaluation",
                            model.kind(), req.model, s.data);
    h5::write_attr(f, "/", "n_params", std::int64_t{model.n_params()});
    h5::write_attr(f, "/", "system", sum.system);
    h5::write_attr(f, "/", "energy", s.energy);
    h5::write_attr(f, "/", "integrator", s.integrator);
    h5::write_attr(f, "/", "n_rollouts", std::int64_t{r.n});
    h5::write_attr(f, "/", "n_times", std::int64_t{r.T});
    out.commit();
    sum.output = req.output;
  });
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return sum;
}

}  // namespace hnn
