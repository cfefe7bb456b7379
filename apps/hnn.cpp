// The hnn command: parses arguments, calls the library, turns errors into messages and exit
// codes. Exit codes: 0 success, 1 error (bad input, I/O, numerics), 2 usage error,
// 75 (kExitCheckpointed) training stopped by SIGTERM/SIGUSR1 after writing a checkpoint.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "data/generate.hpp"
#include "data/import.hpp"
#include "eval/evaluate.hpp"
#include "eval/poincare.hpp"
#include "eval/predict.hpp"
#include "eval/summarize.hpp"
#include "io/provenance.hpp"
#include "parallel/mpi.hpp"
#include "train/signals.hpp"
#include "train/trainer.hpp"

namespace {

std::string join_args(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

void print_generate_summary(const hnn::GenerateSummary& s) {
  std::printf(
      "hnn generate: wrote %s\n"
      "  system %s, integrator %s\n"
      "  %ld trajectories (%ld train, %ld test) x %ld times x %ld state components\n"
      "  %ld steps, %ld field evaluations, max relative energy drift %.3e\n"
      "  %.3f s on %d rank(s) x %d thread(s): %.1f trajectories/s\n",
      s.output.c_str(), s.system.c_str(), s.integrator.c_str(), s.n_traj, s.n_train, s.n_test,
      s.n_time, s.dim, s.steps, s.evals, s.max_energy_drift, s.seconds, s.ranks, s.threads,
      static_cast<double>(s.n_traj) / std::max(s.seconds, 1e-12));
}

void print_evaluate_summary(const hnn::EvaluateSummary& s) {
  std::printf("hnn evaluate: wrote %s\n  %s model, system %s, %ld rollout(s) x %ld times, "
              "integrator %s, energy %s, %.2f s\n",
              s.output.c_str(), s.model.c_str(), s.system.c_str(), s.n_rollouts, s.n_times,
              s.integrator.c_str(), s.energy.c_str(), s.seconds);
  for (const auto& m : s.metrics) {
    if (m.has_pm)
      std::printf("  %-20s %.6e +- %.2e\n", m.name.c_str(), m.value, m.pm);
    else
      std::printf("  %-20s %.6e\n", m.name.c_str(), m.value);
  }
  for (const auto& n : s.notes) std::printf("  note: %s\n", n.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  hnn::MpiEnv mpi(argc, argv);
  const int rank = hnn::mpi_rank();
  const std::string command_line = join_args(argc, argv);

  CLI::App app{"hnn: learning Hamiltonian dynamics (systems, integrators, data sets, training, "
                "evaluation)."};
  app.set_version_flag("--version", hnn::version_string());
  app.require_subcommand(1);
  app.fallthrough();

  // hnn generate
  hnn::GenerateRequest gen;
  gen.command_line = command_line;
  auto* g = app.add_subcommand("generate",
                               "Integrate an ensemble of trajectories of a known system and "
                               "write the trajectory data set (HDF5).");
  g->add_option("input", gen.input, "Input file (TOML): [system], [integrator], [data], [output]")
      ->required()
      ->check(CLI::ExistingFile);
  g->add_option("--set", gen.overrides,
                "Override an input value: section.key=value (TOML syntax; repeatable)")
      ->take_all();
  g->add_option("-o,--output", gen.output, "Output file (overrides [output] path)");
  g->add_flag("--overwrite", gen.overwrite, "Replace the output file if it exists");

  // hnn import
  hnn::ImportRequest imp;
  imp.command_line = command_line;
  auto* im = app.add_subcommand(
      "import", "Turn measured data (text columns) into a trajectory data set with "
                "finite-difference targets.");
  im->add_option("file", imp.input, "Text file: whitespace- or comma-separated columns; lines "
                                    "starting with % or # are skipped")
      ->required()
      ->check(CLI::ExistingFile);
  im->add_option("-o,--output", imp.output, "Output file (HDF5)")->required();
  im->add_option("--columns", imp.columns,
                 "What each column holds, comma-separated: id (trajectory id), t, q, p, skip. "
                 "q and p columns are taken in order.")
      ->capture_default_str();
  im->add_option("--derivative", imp.derivative,
                 "Finite-difference targets: forward (the reference's) or central")
      ->check(CLI::IsMember({"forward", "central"}))
      ->capture_default_str();
  im->add_flag("--as-points", imp.as_points,
               "Store every (x, dx/dt) row as its own length-1 trajectory, so that "
               "--test-rows can split by row");
  im->add_option("--test-rows", imp.test_rows,
                 "With --as-points: rows A:B (half-open, after differencing) form the test set")
      ->capture_default_str();
  im->add_option("--n-test", imp.n_test, "Number of test trajectories")->capture_default_str();
  im->add_option("--test", imp.test_position, "Which trajectories are the test set")
      ->check(CLI::IsMember({"first", "last"}))
      ->capture_default_str();
  im->add_flag("--overwrite", imp.overwrite, "Replace the output file if it exists");

  // hnn train
  hnn::TrainRequest trq;
  trq.command_line = command_line;
  auto* tr = app.add_subcommand(
      "train", "Train a model (HNN, baseline, separable HNN) on a trajectory data set; MPI data "
               "parallel. Exit code 75: stopped by SIGTERM/SIGUSR1 after a checkpoint.");
  tr->add_option("input", trq.input,
                 "Input file (TOML): [data] path, [model], [train], [checkpoint], [output]")
      ->required()
      ->check(CLI::ExistingFile);
  tr->add_option("--set", trq.overrides, "Override an input value: section.key=value (repeatable)")
      ->take_all();
  tr->add_option("--restart", trq.restart,
                 "Resume: 'auto' (newest complete checkpoint in [checkpoint] dir, or start fresh "
                 "if none) or a checkpoint file");
  tr->add_flag("--overwrite", trq.overwrite, "Replace the output model file if it exists");

  // hnn evaluate
  hnn::EvaluateRequest evq;
  evq.command_line = command_line;
  auto* ev = app.add_subcommand(
      "evaluate",
      "Evaluate a trained model (Greydanus et al. 2019 metrics): train/test loss, rollouts of "
      "the learned and the true dynamics, state and energy MSE, energy drift; writes HDF5.");
  ev->add_option("model", evq.model, "Model file (HDF5, written by hnn train)")->required();
  ev->add_option("-i,--input", evq.input,
                 "Optional input file (TOML) with an [evaluate] section")
      ->check(CLI::ExistingFile);
  ev->add_option("--set", evq.overrides,
                 "Override an [evaluate] value: evaluate.key=value (repeatable). Keys (default): "
                 "data (the model's training data), energy (system | q2p2 | real_pendulum | "
                 "none), integrator (dopri5 with rtol, atol = 1e-12 | implicit_midpoint with "
                 "dt, tol (1e-14), max_iter (100)), seed (0), n_rollouts (15, >= 5), t_end (20), "
                 "n_times (100); seed, n_rollouts, t_end, n_times only for generated data. For a "
                 "flow model (kind = \"flow\"): data, split (test | train), and the metrics are "
                 "the action-angle checks of src/eval/evaluate_flow.hpp. For a pixel model "
                 "(kind = \"pixel_hnn\" | \"pixel_baseline\"): data, n_rollouts (all test "
                 "trajectories), rtol (1e-9), fit_degree (1, affine; up to 4), energy_scale (1; "
                 "0.125 = the reference's pendulum units); decoded latent rollouts "
                 "(src/eval/evaluate_pixel.hpp). "
                 "For an HGN (kind = \"hgn\"): data, split (test | train), n_rollouts (the whole "
                 "split), n_pictures (4); per-frame pixel MSE, baselines, learned H along the "
                 "latent rollouts (src/eval/evaluate_hgn.hpp)")
      ->take_all();
  ev->add_option("-o,--output", evq.output, "Output file (HDF5): /rollouts, /metrics")->required();
  ev->add_flag("--overwrite", evq.overwrite, "Replace the output file if it exists");

  // hnn predict
  hnn::PredictRequest prq;
  prq.command_line = command_line;
  auto* pr = app.add_subcommand(
      "predict", "Evaluate a trained model at given states: dx/dt, and H and its gradient for "
                 "models with a learned Hamiltonian; for a flow, T⁻¹ (or T) of the states and "
                 "the learned actions and angles; writes HDF5.");
  pr->add_option("model", prq.model, "Model file (HDF5, written by hnn train)")->required();
  pr->add_option("states", prq.states, "States file (HDF5) with /states float64 (n, dim)")
      ->required();
  pr->add_option("-o,--output", prq.output, "Output file (HDF5): /states, /field, /H, /grad")
      ->required();
  pr->add_flag("--overwrite", prq.overwrite, "Replace the output file if it exists");
  pr->add_flag("--latent", prq.latent,
               "Flow models: the states are latent (q̂, p̂); write T(states) as /physical. "
               "Without it a flow writes T⁻¹(states) as /latent; both write /actions, /angles");

  // hnn poincare
  hnn::PoincareRequest pcq;
  pcq.command_line = command_line;
  auto* pc = app.add_subcommand(
      "poincare",
      "Poincaré section: integrate orbits of a system (or of a trained model's vector field, "
      "--model) with dopri5 and write the crossings of x[coordinate] = value (cubic Hermite "
      "root between dense-output samples); writes HDF5. Runs on rank 0 only under MPI.");
  pc->add_option("input", pcq.input,
                 "Input file (TOML): [system]; [integrator] name = dopri5, rtol, atol (1e-10); "
                 "[poincare] n_orbits, t_end, sample_dt (0.01), coordinate (0), value (0), "
                 "direction (up | down | both; sign of dx[coordinate]/dt, default up), seed (0); "
                 "[output] path")
      ->required()
      ->check(CLI::ExistingFile);
  pc->add_option("--set", pcq.overrides,
                 "Override an input value: section.key=value (repeatable)")
      ->take_all();
  pc->add_option("-o,--output", pcq.output,
                 "Output file (HDF5; overrides [output] path): /poincare/crossings (n, dim), "
                 "/poincare/orbit, /poincare/time, /poincare/energy (true H), /poincare/initial");
  pc->add_option("--model", pcq.model,
                 "Integrate this trained model's vector field instead of the system's; the "
                 "system still draws the initial states and gives the true H");
  pc->add_flag("--overwrite", pcq.overwrite, "Replace the output file if it exists");

  // hnn summarize
  hnn::SummarizeRequest smq;
  smq.command_line = command_line;
  auto* sm = app.add_subcommand(
      "summarize", "Collect the runs in DIR... (model files, their evaluations, checkpoints, "
                   "status files) into one table, one row per run, failed or unfinished runs "
                   "listed as such: OUT (HDF5, /runs/<column>) and OUT with extension .csv.");
  sm->add_option("dirs", smq.dirs, "Run directories")->required();
  sm->add_option("-o,--output", smq.output, "Output file (HDF5); the CSV goes beside it")
      ->capture_default_str();
  sm->add_flag("--overwrite", smq.overwrite, "Replace the outputs if they exist");

  // hnn input
  std::string input_of;
  auto* in = app.add_subcommand(
      "input", "Print the resolved input (TOML) stored in an hnn output file (data set, model, "
               "checkpoint, evaluation).");
  in->add_option("file", input_of, "HDF5 file written by hnn")->required();

  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return rank == 0 ? app.exit(e) : 0;
    } catch (const CLI::CallForAllHelp& e) {
      return rank == 0 ? app.exit(e) : 0;
    } catch (const CLI::CallForVersion& e) {
      return rank == 0 ? app.exit(e) : 0;
    } catch (const CLI::ParseError& e) {
      // A usage error: one line (see --help), exit code 2, on every rank alike.
      if (rank == 0) std::fprintf(stderr, "hnn: error: %s (see hnn --help)\n", e.what());
      return 2;
    }
    if (g->parsed()) {
      const auto s = hnn::generate(gen, MPI_COMM_WORLD);
      if (rank == 0) print_generate_summary(s);
    } else if (tr->parsed()) {
      const auto s = hnn::train(trq, MPI_COMM_WORLD);
      if (s.stopped) {
        if (rank == 0)
          std::printf("hnn train: stopped at step %ld by a signal; checkpoint %s; resume with "
                      "--restart auto\n", s.steps, s.checkpoint.c_str());
        return hnn::kExitCheckpointed;
      }
      if (rank == 0) {
        char train_loss[64] = "n/a (no step run)";  // a restart at the last step trains nothing
        if (!std::isnan(s.train_loss)) std::snprintf(train_loss, sizeof train_loss, "%.6e", s.train_loss);
        std::printf("hnn train: wrote %s (%ld steps, %ld parameters, train loss %s, test loss "
                    "%.6e, %.2f s)\n",
                    s.output.c_str(), s.steps, s.n_params, train_loss, s.test_loss, s.seconds);
      }
    } else if (ev->parsed()) {
      const auto s = hnn::evaluate(evq, MPI_COMM_WORLD);
      if (rank == 0) print_evaluate_summary(s);
    } else if (pr->parsed()) {
      const auto s = hnn::predict(prq, MPI_COMM_WORLD);
      if (rank == 0)
        std::printf("hnn predict: wrote %s (%s model, %ld states x %ld components%s)\n",
                    s.output.c_str(), s.model.c_str(), s.n, s.dim,
                    s.has_energy ? ", with H and its gradient" : "");
    } else if (pc->parsed()) {
      const auto s = hnn::poincare(pcq, MPI_COMM_WORLD);
      if (rank == 0)
        std::printf("hnn poincare: wrote %s\n  system %s, model %s, %ld orbits, %ld crossings of "
                    "x[%ld] = %g (%s; at least %ld per orbit), max relative |H - H0| %.3e, "
                    "%.2f s\n",
                    s.output.c_str(), s.system.c_str(), s.model.c_str(), s.n_orbits,
                    s.n_crossings, s.coordinate, s.value, s.direction.c_str(), s.min_per_orbit,
                    s.max_energy_error, s.seconds);
    } else if (sm->parsed()) {
      const auto s = hnn::summarize(smq, MPI_COMM_WORLD);
      if (rank == 0)
        std::printf("hnn summarize: wrote %s and %s\n  %ld run(s): %ld done, %ld unfinished, "
                    "%ld failed; %ld columns\n",
                    s.output.c_str(), s.csv.c_str(), s.n_runs, s.n_done, s.n_unfinished,
                    s.n_failed, s.n_columns);
    } else if (in->parsed()) {
      std::string text;
      hnn::run_collective(MPI_COMM_WORLD, [&] {
        if (rank == 0) text = hnn::stored_input(input_of);
      });
      if (rank == 0) std::fputs(text.c_str(), stdout);
    } else if (im->parsed()) {
      const auto s = hnn::import_text(imp, MPI_COMM_WORLD);
      if (rank == 0)
        std::printf("hnn import: wrote %s\n  %ld trajectories (%ld train, %ld test) x %ld times "
                    "x %ld state components from %ld rows of %s\n",
                    s.output.c_str(), s.n_traj, s.n_train, s.n_test, s.n_time, s.dim, s.rows,
                    imp.input.c_str());
    }
  } catch (const hnn::AgreedError& e) {
    if (rank == 0) std::fprintf(stderr, "hnn: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    // An error on this rank alone: the others may wait in a collective, so end the job.
    std::fprintf(stderr, "hnn: error (rank %d): %s\n", rank, e.what());
    if (hnn::mpi_size() > 1) MPI_Abort(MPI_COMM_WORLD, 1);
    return 1;
  }
  return 0;
}
