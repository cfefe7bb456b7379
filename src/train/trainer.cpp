#include "train/trainer.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "core/error.hpp"
#include "data/trajectory_file.hpp"
#include "data/trajectory_reader.hpp"
#include "io/config.hpp"
#include "io/provenance.hpp"
#include "models/model_file.hpp"
#include "models/registry.hpp"
#include "nn/adam.hpp"
#include "nn/clip.hpp"
#include "nn/schedule.hpp"
#include "parallel/mpi.hpp"
#include "systems/registry.hpp"
#include "train/checkpoint.hpp"
#include "train/objective.hpp"
#include "train/signals.hpp"

namespace hnn {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Wall time per phase, for the table printed at the end.
class PhaseTimer {
 public:
  void add(const std::string& phase, Clock::time_point since) {
    auto [it, fresh] = seconds_.try_emplace(phase, 0.0);
    if (fresh) order_.push_back(phase);
    it->second += std::chrono::duration<double>(Clock::now() - since).count();
  }
  // Collective: the maximum over ranks of each phase, printed by rank 0.
  void report(MPI_Comm comm, double total) const {
    if (mpi_rank(comm) == 0) std::printf("%-14s %10s %7s\n", "phase", "seconds", "share");
    for (const auto& name : order_) {
      double s = seconds_.at(name), worst = 0;
      MPI_Allreduce(&s, &worst, 1, MPI_DOUBLE, MPI_MAX, comm);
      if (mpi_rank(comm) == 0)
        std::printf("%-14s %10.3f %6.1f%%\n", name.c_str(), worst, 100.0 * worst / std::max(total, 1e-12));
    }
  }

 private:
  std::map<std::string, double> seconds_;
  std::vector<std::string> order_;
};

struct Settings {
  std::string data_path, output, checkpoint_dir;
  long steps = 0, batch = 0, log_every = 0, checkpoint_every = 0, keep = 0, chunk = 0;
  long times = 0;  // time samples per trajectory and step (models trained on trajectories)
  double angle_weight = 0;  // the angle-rate term (flows/action_loss.hpp) and its lag
  long angle_lag = 1;
  bool relative_actions = false;  // [train] action_loss = "relative" (flows/action_loss.hpp)
  double still_weight = 0;         // the still-plane term (flows/action_loss.hpp), its planes
  std::vector<int> still_planes;
  std::uint64_t seed = 0;
  double clip = 0;
  AdamOptions adam;
  LrSchedule schedule;  // lr and its schedule
  std::string resolved, source;
  // [objective] (read only when the section is present): kind "auto" = by the model.
  std::string objective = "auto";
  double beta = 1.0;
  long test_samples = 0;
  GecoOptions geco;  // models trained on rollouts (the HGN): the KL weight
};

// [train] keys of the KL weight of models trained on rollouts (train/geco.hpp).
GecoOptions read_geco(const Section& tr) {
  GecoOptions g;
  g.enabled = tr.get_bool("geco", true);
  g.initial_weight = tr.get_positive("kl_weight", g.initial_weight);
  g.max_weight = std::max(g.max_weight, g.initial_weight);
  g.tolerance = tr.get_positive("geco_tolerance", g.tolerance);
  g.alpha = tr.get_non_negative("geco_alpha", g.alpha);
  tr.require(g.alpha < 1, "geco_alpha", "must be < 1");
  g.rate = tr.get_non_negative("geco_rate", g.rate);
  return g;
}

Settings read_settings(Config& cfg, const TrainRequest& req) {
  Settings s;
  s.source = cfg.source();
  if (cfg.has_section("objective")) {
    Section ob = cfg.section("objective");
    s.objective = ob.get_choice("kind", {"auto", "likelihood", "free_energy"}, "auto");
    if (s.objective != "auto") s.beta = ob.get_positive("beta", 1.0);
    if (s.objective == "free_energy") s.test_samples = ob.get_count("test_samples", 4096, 0);
  }
  // free_energy reads no data: the [system] section gives H.
  if (s.objective != "free_energy") s.data_path = cfg.section("data").get_string("path");
  Section tr = cfg.section("train");
  s.steps = tr.get_count("steps");
  s.batch = tr.get_count("batch", 0, 0);
  s.seed = static_cast<std::uint64_t>(tr.get_count("seed", 0, 0));
  s.adam.lr = tr.get_positive("lr", 1e-3);
  s.adam.weight_decay = tr.get_non_negative("weight_decay", 0.0);
  s.adam.beta1 = tr.get_non_negative("beta1", 0.9);
  s.adam.beta2 = tr.get_non_negative("beta2", 0.999);
  tr.require(s.adam.beta1 < 1, "beta1", "must be < 1");
  tr.require(s.adam.beta2 < 1, "beta2", "must be < 1");
  s.adam.eps = tr.get_positive("eps", 1e-8);
  s.clip = tr.get_non_negative("clip_grad_norm", 0.0);
  s.schedule.lr = s.adam.lr;
  s.schedule.kind = schedule_kind_from_name(
      tr.get_choice("schedule", {"constant", "step", "cosine"}, "constant"));
  if (s.schedule.kind == LrSchedule::Kind::step) {
    for (double m : tr.get_double_list("milestones")) {
      tr.require(m >= 0 && m == std::floor(m), "milestones", "must be step counts >= 0");
      s.schedule.milestones.push_back(static_cast<long>(m));
    }
    s.schedule.gamma = tr.get_positive("gamma", 0.1);
  } else if (s.schedule.kind == LrSchedule::Kind::cosine) {
    s.schedule.t_max = tr.get_count("t_max", s.steps);
    s.schedule.eta_min = tr.get_non_negative("eta_min", 0.0);
  }
  try {
    validate(s.schedule);
  } catch (const ConfigError& e) {
    tr.fail("schedule", e.what());
  }
  s.log_every = tr.get_count("log_every", std::max(1L, s.steps / 10));
  s.chunk = tr.get_count("chunk", 128);
  Section out = cfg.section("output");
  s.output = out.get_string("path", "model.h5");
  Section ck = cfg.section("checkpoint");
  s.checkpoint_dir = ck.get_string("dir", (fs::path(s.output).parent_path() / "checkpoints").string());
  s.checkpoint_every = ck.get_count("every", 0, 0);
  s.keep = ck.get_count("keep", 3);
  (void)req;
  return s;
}

std::string eta(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

}  // namespace

TrainSummary train(const TrainRequest& req, MPI_Comm comm) {
  const auto t_start = Clock::now();
  const int rank = mpi_rank(comm), size = mpi_size(comm);
  PhaseTimer timer;

  // Input, data, model: read and checked identically on every rank.
  Settings set;
  std::unique_ptr<Model> model;
  TrajectoryFileInfo info;
  std::unique_ptr<Objective> objective;
  std::unique_ptr<System> system;  // free_energy: the H of the bound
  run_collective(comm, [&] {
    Config cfg = Config::from_file(req.input, req.overrides);
    cfg.check_sections({"data", "model", "train", "checkpoint", "output", "objective", "system"});
    set = read_settings(cfg, req);
    if (set.objective == "free_energy") {
      system = make_system(cfg.section("system"));
      info.system = system->name();
      info.dim = system->dim();
      if (set.batch == 0) cfg.section("train").fail("batch", "free_energy needs batch > 0");
    } else {
      info = read_trajectory_info(set.data_path);
    }
    model = make_model(cfg.section("model"), static_cast<int>(info.dim), info.frame_pixels());
    if (model->trains_on_trajectories() && set.objective == "auto") {
      Section tr = cfg.section("train");
      set.times = tr.get_count("times", 0, 0);
      set.relative_actions =
          tr.get_choice("action_loss", {"absolute", "relative"}, "absolute") == "relative";
      set.angle_weight = tr.get_non_negative("angle_weight", 0.0);
      if (set.angle_weight > 0) set.angle_lag = tr.get_count("angle_lag", 1, 1);
      if (tr.has("still_planes")) {
        const long n = model->dim() / 2;
        for (double v : tr.get_double_list("still_planes")) {
          tr.require(v >= 0 && v < static_cast<double>(n) && v == std::floor(v), "still_planes",
                     "must be plane indices 0.." + std::to_string(n - 1) + " (0-based)");
          const int i = static_cast<int>(v);
          tr.require(std::find(set.still_planes.begin(), set.still_planes.end(), i) ==
                         set.still_planes.end(),
                     "still_planes", "lists plane " + std::to_string(i) + " twice");
          set.still_planes.push_back(i);
        }
        tr.require(!set.still_planes.empty(), "still_planes", "must list at least one plane");
        tr.require(static_cast<long>(set.still_planes.size()) < n, "still_planes",
                   "must leave at least one plane free to turn");
        set.still_weight = tr.get_positive("still_weight", 1.0);
      }
    }
    if (model->trains_on_rollouts()) set.geco = read_geco(cfg.section("train"));
    cfg.check_all_used();
    set.resolved = cfg.resolved_text();
    if (rank == 0 && req.restart.empty() && fs::exists(set.output) && !req.overwrite)
      throw IoError(set.output + ": output exists (use --overwrite, or --restart auto to resume)");
  });
  auto t0 = Clock::now();
  run_collective(comm, [&] {
    ObjectiveOptions opt;
    opt.seed = set.seed;
    opt.batch = set.batch;
    opt.chunk = set.chunk;
    opt.times = set.times;
    opt.angle_weight = set.angle_weight;
    opt.angle_lag = set.angle_lag;
    opt.relative_actions = set.relative_actions;
    opt.still_weight = set.still_weight;
    opt.still_planes = set.still_planes;
    opt.kind = set.objective == "auto" ? "" : set.objective;
    opt.beta = set.beta;
    opt.test_samples = set.test_samples;
    opt.geco = set.geco;
    opt.allreduce = [comm](double* p, long n) {
      MPI_Allreduce(MPI_IN_PLACE, p, static_cast<int>(n), MPI_DOUBLE, MPI_SUM, comm);
    };
    objective = set.objective == "free_energy"
                    ? make_free_energy_objective(*model, *system, opt, rank, size)
                    : make_objective(*model, info, opt, rank, size);
  });
  timer.add("read data", t0);
  const Provenance prov = collect_provenance(comm, req.command_line);
  const long np = model->n_params();

  // State: fresh, or from a checkpoint (rank 0 reads, every rank receives).
  TrainState st;
  TrainSummary sum;
  run_collective(comm, [&] {
    if (rank != 0 || req.restart.empty()) return;
    std::optional<TrainState> loaded;
    std::string path;
    if (req.restart == "auto") {
      loaded = load_latest_checkpoint(set.checkpoint_dir, &path);
    } else {
      loaded = load_checkpoint(req.restart);
      path = req.restart;
    }
    if (loaded) {
      if (loaded->params.size() != np)
        throw IoError(path + ": checkpoint has " + std::to_string(loaded->params.size()) +
                      " parameters, the model " + std::to_string(np));
      st = std::move(*loaded);
      std::printf("hnn train: resuming from %s (step %ld)\n", path.c_str(), st.step);
    } else {
      std::printf("hnn train: no checkpoint in %s, starting fresh\n", set.checkpoint_dir.c_str());
    }
  });
  long have = st.params.size();
  MPI_Bcast(&have, 1, MPI_LONG, 0, comm);
  if (have > 0) {
    broadcast_state(comm, st);
    sum.resumed_from = st.step;
    run_collective(comm, [&] { objective->set_state(st.objective_state); });
  } else {
    st.params.resize(np);
    Rng init_rng(set.seed, 0);
    model->init_params(init_rng, st.params);
    st.m = Vec::Zero(np);
    st.v = Vec::Zero(np);
  }
  Adam<double> adam(np, set.adam);
  adam.set_state({st.m, st.v, st.optimizer_step});
  auto save_adam = [&] {
    st.m = adam.state().m;
    st.v = adam.state().v;
    st.optimizer_step = adam.state().step;
  };

  const int nx = objective->n_extra();
  Vec grad(np), buf(np + 2 + nx);
  install_stop_handlers();
  if (rank == 0)
    std::printf("hnn train: %s model, %ld parameters; %s; %ld steps on %d rank(s) x %d thread(s)\n",
                model->kind().c_str(), np, objective->describe().c_str(), set.steps, size,
                omp_get_max_threads());

  auto checkpoint = [&] {
    auto tc = Clock::now();
    save_adam();
    st.objective_state = objective->state();
    run_collective(comm, [&] {
      if (rank == 0) sum.checkpoint = write_checkpoint(set.checkpoint_dir, st, static_cast<int>(set.keep), set.resolved, prov);
    });
    timer.add("checkpoint", tc);
  };

  const auto loop_start = Clock::now();
  const long first_step = st.step;
  double train_loss = std::nan(""), test_loss = std::nan("");
  const auto compute_test_loss = [&] {  // collective: the test loss at the current θ
    const auto t = Clock::now();
    double sse_test = objective->test_sum(st.params);
    MPI_Allreduce(MPI_IN_PLACE, &sse_test, 1, MPI_DOUBLE, MPI_SUM, comm);
    timer.add("test loss", t);
    return sse_test * objective->test_norm();
  };
  while (st.step < set.steps) {
    // This rank's part of the global minibatch: its loss sum and gradient sum.
    t0 = Clock::now();
    const double sse = objective->step_sum(st.params, st.step, &grad);
    timer.add("gradient", t0);

    t0 = Clock::now();
    buf.head(np) = grad;
    buf[np] = sse;
    buf[np + 1] = stop_requested() ? 1.0 : 0.0;
    objective->extra_sums(buf.data() + np + 2);
    MPI_Allreduce(MPI_IN_PLACE, buf.data(), static_cast<int>(np + 2 + nx), MPI_DOUBLE, MPI_SUM,
                  comm);
    timer.add("allreduce", t0);

    t0 = Clock::now();
    const double norm = objective->step_norm(st.step);
    grad = buf.head(np) * norm;
    train_loss = buf[np] * norm;
    if (!std::isfinite(train_loss) || !grad.allFinite())
      throw AgreedError("step " + std::to_string(st.step + 1) + ": " +
                        (std::isfinite(train_loss) ? "non-finite gradient" : "loss is " + std::to_string(train_loss)) +
                        " (the last good checkpoint is kept" +
                        (sum.checkpoint.empty() ? "" : ": " + sum.checkpoint) +
                        "); lower the learning rate or set clip_grad_norm");
    objective->end_step(buf.data() + np + 2, norm);
    if (set.clip > 0) clip_grad_norm<double>(grad, set.clip);
    const double lr = learning_rate(set.schedule, st.step);
    adam.step(st.params, grad, lr);
    objective->update_buffers(st.params);
    ++st.step;
    timer.add("optimizer", t0);

    if (st.step % set.log_every == 0 || st.step == set.steps) {
      test_loss = compute_test_loss();
      st.hist_step.push_back(static_cast<double>(st.step));
      st.hist_train.push_back(train_loss);
      st.hist_test.push_back(test_loss);
      st.hist_lr.push_back(lr);
      if (rank == 0) {
        const double el = std::chrono::duration<double>(Clock::now() - loop_start).count();
        const double rate = static_cast<double>(st.step - first_step) / std::max(el, 1e-9);
        const std::string note = objective->progress();
        std::printf("step %ld/%ld train %.6e test %.6e lr %.3e %.1f steps/s ETA %s%s%s\n", st.step,
                    set.steps, train_loss, test_loss, lr, rate,
                    eta(static_cast<double>(set.steps - st.step) / std::max(rate, 1e-9)).c_str(),
                    note.empty() ? "" : " ", note.c_str());
        std::fflush(stdout);
      }
    }
    if (buf[np + 1] > 0) {  // a rank was asked to stop: checkpoint, then leave
      checkpoint();
      sum.stopped = true;
      break;
    }
    if (set.checkpoint_every > 0 && st.step % set.checkpoint_every == 0 && st.step < set.steps)
      checkpoint();
  }

  // Nothing left to train (restarted at the end): the final test loss all the same.
  if (st.step == first_step && !sum.stopped) test_loss = compute_test_loss();
  if (!sum.stopped) {
    checkpoint();
    t0 = Clock::now();
    save_adam();
    run_collective(comm, [&] {
      if (rank != 0) return;
      ModelFileRecord rec;
      rec.steps = st.step;
      rec.history = {st.hist_step, st.hist_train, st.hist_test, st.hist_lr};
      rec.input = set.resolved;
      rec.input_file = set.source;
      rec.data_path = info.path;
      rec.system = info.system;
      write_model_file(set.output, req.overwrite || !req.restart.empty(), *model, st.params, rec,
                       prov);
    });
    timer.add("write model", t0);
    sum.output = set.output;
  }
  sum.seconds = std::chrono::duration<double>(Clock::now() - t_start).count();
  MPI_Bcast(&sum.seconds, 1, MPI_DOUBLE, 0, comm);
  timer.report(comm, sum.seconds);
  sum.steps = st.step;
  sum.n_params = np;
  sum.n_train = static_cast<long>(objective->n_train());
  sum.n_test = static_cast<long>(objective->n_test());
  sum.train_loss = train_loss;
  sum.test_loss = test_loss;
  sum.hist_step = st.hist_step;
  sum.hist_train = st.hist_train;
  sum.hist_test = st.hist_test;
  sum.checkpoint = broadcast_string(comm, sum.checkpoint);
  return sum;
}

}  // namespace hnn
