#include "data/generate.hpp"

#include <omp.h>

#include <chrono>
#include <cmath>
#include <memory>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/trajectory_file.hpp"
#include "integrators/registry.hpp"
#include "io/atomic_file.hpp"
#include "io/config.hpp"
#include "io/provenance.hpp"
#include "parallel/mpi.hpp"
#include "render/renderer.hpp"
#include "systems/registry.hpp"

namespace hnn {

std::vector<double> linspace(double a, double b, long n) {
  std::vector<double> t(static_cast<std::size_t>(n));
  if (n == 1) {
    t[0] = a;
    return t;
  }
  const double step = (b - a) / static_cast<double>(n - 1);
  for (long i = 0; i < n; ++i) t[static_cast<std::size_t>(i)] = a + static_cast<double>(i) * step;
  t.back() = b;
  return t;
}

namespace {

// Everything the input file says, read and checked once (identically on every rank).
struct Plan {
  std::unique_ptr<System> system;
  std::vector<std::unique_ptr<Integrator>> integrators;  // one per OpenMP thread
  std::unique_ptr<Renderer> renderer;                    // null: no frames
  std::vector<double> times;
  long n_traj = 0, n_test = 0, block = 0;
  bool test_first = false;
  double noise_std = 0;
  double initial_noise_std = 0;  // added to the sampled initial state (before integrating)
  std::uint64_t seed = 0;
  std::string output;
  int gzip = 0;
  std::string resolved;
  std::string source;
};

Plan read_plan(const GenerateRequest& req) {
  Plan p;
  Config cfg = Config::from_file(req.input, req.overrides);
  p.source = cfg.source();
  cfg.check_sections({"system", "integrator", "data", "output", "render"});
  p.system = make_system(cfg.section("system"));
  if (cfg.has_section("render")) p.renderer = make_renderer(cfg.section("render"), *p.system);
  const int threads = omp_get_max_threads();
  for (int i = 0; i < threads; ++i) p.integrators.push_back(make_integrator(cfg.section("integrator")));

  Section data = cfg.section("data");
  p.n_traj = data.get_count("n_trajectories");
  const double t0 = data.get_double("t_start", 0.0);
  const double t1 = data.get_double("t_end");
  data.require(t1 > t0, "t_end", "must be > t_start");
  const long n_times = data.get_count("n_times");
  p.times = linspace(t0, t1, n_times);
  p.noise_std = data.get_non_negative("noise_std", 0.0);
  p.initial_noise_std = data.get_non_negative("initial_noise_std", 0.0);
  p.seed = static_cast<std::uint64_t>(data.get_count("seed", 0, 0));
  p.n_test = data.get_count("n_test", 0, 0);
  data.require(p.n_test <= p.n_traj, "n_test", "must be <= n_trajectories");
  p.test_first = data.get_choice("test", {"first", "last"}, "last") == "first";

  Section out = cfg.section("output");
  p.output = out.get_string("path", "data.h5");
  if (!req.output.empty()) p.output = req.output;
  p.gzip = static_cast<int>(out.get_count("gzip", 0, 0));
  out.require(p.gzip <= 9, "gzip", "must be 0 (off) .. 9");
  // Trajectories per block (0 = automatic): a block is integrated while the previous one is
  // written, so blocks bound memory and let the write overlap the integration.
  p.block = out.get_count("block_trajectories", 0, 0);

  cfg.check_all_used();
  p.resolved = cfg.resolved_text();
  return p;
}

struct Block {
  long first = 0, count = 0;  // trajectories [first, first + count) of this rank
  std::vector<double> x, dxdt, energy;
  std::vector<float> frames;  // (count, n_time, pixels) when rendering
};

struct Tally {
  long steps = 0, evals = 0;
  double drift = 0;
};

// Integrates trajectory I into X, DXDT (n_time x dim) and E (n_time), renders its noise-free
// states into FRAMES (n_time x pixels) when p.renderer is set, adding to T.
void integrate_one(const Plan& p, Integrator& integ, long i, double* x, double* dxdt, double* e,
                   float* frames, Tally& t) {
  const System& sys = *p.system;
  const long nt = static_cast<long>(p.times.size()), d = sys.dim();
  Rng rng(p.seed, static_cast<std::uint64_t>(i));
  Vec x0 = sys.sample(rng);
  if (p.initial_noise_std > 0)  // the HGN data: σ-perturbed initial states, exact trajectories
    for (long k = 0; k < d; ++k) x0[k] += p.initial_noise_std * rng.normal();
  integ.integrate(sys, x0, p.times.front(), p.times, x);
  t.steps += integ.stats().steps;
  t.evals += integ.stats().evals;
  for (long k = 0; k < nt; ++k) {
    Eigen::Map<Vec> xk(x + k * d, d), fk(dxdt + k * d, d);
    sys.field(xk, fk);  // targets are exact: taken before the noise
    e[k] = sys.energy(xk);
  }
  if (p.renderer) {
    const long px = p.renderer->n_pixels();
    std::vector<double> img(static_cast<std::size_t>(px));
    for (long k = 0; k < nt; ++k) {
      p.renderer->render(Eigen::Map<const Vec>(x + k * d, d), img.data());
      for (long j = 0; j < px; ++j) frames[k * px + j] = static_cast<float>(img[static_cast<std::size_t>(j)]);
    }
  }
  t.drift = std::max(t.drift, std::abs(e[nt - 1] - e[0]) / std::max(std::abs(e[0]), 1e-300));
  if (p.noise_std > 0)
    for (long k = 0; k < nt * d; ++k) x[k] += p.noise_std * rng.normal();
}

// Integrates block B with all threads while the master thread first writes block W (the
// previous one; collective, so only the master thread touches MPI) and then joins in.
// Trajectories are handed out one at a time, so the master's share shrinks by the write time.
// Throws the write's error, or the lowest failing trajectory's (whatever the thread count).
void integrate_while_writing(const Plan& p, Block& b, TrajectoryWriter& writer, const Block* w,
                             Tally& tally) {
  const long nt = static_cast<long>(p.times.size()), d = p.system->dim();
  b.x.resize(static_cast<std::size_t>(b.count * nt * d));
  b.dxdt.resize(b.x.size());
  b.energy.resize(static_cast<std::size_t>(b.count * nt));
  const long px = p.renderer ? p.renderer->n_pixels() : 0;
  b.frames.resize(static_cast<std::size_t>(b.count * nt * px));
  long next = 0, failed = b.count;
  std::string failure;
  std::exception_ptr write_error;
  long steps = 0, evals = 0;
  double drift = 0;
#pragma omp parallel reduction(+ : steps, evals) reduction(max : drift)
  {
    if (w && omp_get_thread_num() == 0) {
      try {
        writer.write_block(w->first, w->count, w->x.data(), w->dxdt.data(), w->energy.data(),
                           nullptr);
        if (p.renderer) writer.write_frames(w->first, w->count, w->frames.data());
      } catch (...) {
        write_error = std::current_exception();
      }
    }
    Integrator& integ = *p.integrators[static_cast<std::size_t>(omp_get_thread_num())];
    Tally t;
    for (;;) {
      long j = 0;
#pragma omp atomic capture
      j = next++;
      if (j >= b.count) break;
      try {
        integrate_one(p, integ, b.first + j, b.x.data() + j * nt * d, b.dxdt.data() + j * nt * d,
                      b.energy.data() + j * nt, b.frames.data() + j * nt * px, t);
      } catch (const std::exception& ex) {
#pragma omp critical
        if (j < failed) {
          failed = j;
          failure = ex.what();
        }
      }
    }
    steps += t.steps;
    evals += t.evals;
    drift = std::max(drift, t.drift);
  }
  if (write_error) std::rethrow_exception(write_error);
  if (failed < b.count)
    throw NumericsError("trajectory " + std::to_string(b.first + failed) + ": " + failure);
  tally.steps += steps;
  tally.evals += evals;
  tally.drift = std::max(tally.drift, drift);
}

}  // namespace

GenerateSummary generate(const GenerateRequest& req, MPI_Comm comm) {
  Plan p;
  run_collective(comm, [&] { p = read_plan(req); });
  const int rank = mpi_rank(comm), size = mpi_size(comm);
  const Provenance prov = collect_provenance(comm, req.command_line);

  const auto start = std::chrono::steady_clock::now();
  AtomicH5File out(p.output, comm, req.overwrite);
  const System& sys = *p.system;
  const long nt = static_cast<long>(p.times.size()), d = sys.dim();
  TrajectoryShape shape{p.n_traj, nt, d, false, true};
  if (p.renderer) shape.frame_height = shape.frame_width = p.renderer->size();
  std::unique_ptr<TrajectoryWriter> writer;
  run_collective(comm, [&] {
    writer = std::make_unique<TrajectoryWriter>(out.file(), shape, p.gzip);
    write_provenance(out.file(), prov, p.resolved, p.source);
    h5::write_attr(out.file(), "/", "system", sys.name());
    for (const auto& [k, v] : sys.parameters()) h5::write_attr(out.file(), "/", "system." + k, v);
    h5::write_attr(out.file(), "/", "integrator", p.integrators.front()->name());
    h5::write_attr(out.file(), "/", "seed", static_cast<std::int64_t>(p.seed));
    if (p.renderer) {
      h5::write_attr(out.file(), "/", "renderer", p.renderer->name());
      h5::write_attr(out.file(), "/", "render_extent", p.renderer->extent());
    }
    h5::write_attr(out.file(), "/", "noise_std", p.noise_std);
    h5::write_attr(out.file(), "/", "initial_noise_std", p.initial_noise_std);
    h5::write_attr(out.file(), "/", "energy_of",
                   std::string("noise-free states (dxdt too); x carries the noise"));
    writer->write_times(p.times);
    std::vector<std::int64_t> train, test;
    make_split(p.n_traj, p.n_test, p.test_first, train, test);
    writer->write_split(train, test);
  });

  if (p.block == 0) {  // about 16 MiB per block, at most 1024 trajectories
    const long px = p.renderer ? p.renderer->n_pixels() : 0;
    const long bytes = (2 * d + 1) * nt * static_cast<long>(sizeof(double)) +
                       px * nt * static_cast<long>(sizeof(float));
    p.block = std::clamp((16L << 20) / bytes, 1L, 1024L);
  }
  const Shard mine = shard_of(p.n_traj, rank, size);
  long largest = 0, mine_n = mine.size();
  MPI_Allreduce(&mine_n, &largest, 1, MPI_LONG, MPI_MAX, comm);
  const long n_blocks = (largest + p.block - 1) / p.block;
  // Block k is integrated while block k-1 is written; then the last block is written.
  Tally tally;
  Block blocks[2];
  for (long k = 0; k <= n_blocks; ++k) {
    Block& b = blocks[k % 2];
    const Block* previous = k > 0 ? &blocks[(k + 1) % 2] : nullptr;
    if (k == n_blocks) {
      if (previous) run_collective(comm, [&] {
        writer->write_block(previous->first, previous->count, previous->x.data(),
                            previous->dxdt.data(), previous->energy.data(), nullptr);
        if (p.renderer) writer->write_frames(previous->first, previous->count, previous->frames.data());
      });
      break;
    }
    b.first = mine.begin + k * p.block;
    b.count = std::clamp(mine.end - b.first, 0L, p.block);
    run_collective(comm, [&] { integrate_while_writing(p, b, *writer, previous, tally); });
  }
  writer.reset();
  out.commit();

  GenerateSummary s;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MPI_Allreduce(&tally.steps, &s.steps, 1, MPI_LONG, MPI_SUM, comm);
  MPI_Allreduce(&tally.evals, &s.evals, 1, MPI_LONG, MPI_SUM, comm);
  MPI_Allreduce(&tally.drift, &s.max_energy_drift, 1, MPI_DOUBLE, MPI_MAX, comm);
  MPI_Allreduce(MPI_IN_PLACE, &s.seconds, 1, MPI_DOUBLE, MPI_MAX, comm);
  s.output = p.output;
  s.system = sys.name();
  s.integrator = p.integrators.front()->name();
  s.n_traj = p.n_traj;
  s.n_time = nt;
  s.dim = d;
  s.n_test = p.n_test;
  s.n_train = p.n_traj - p.n_test;
  s.ranks = size;
  s.threads = omp_get_max_threads();
  s.resolved_input = p.resolved;
  return s;
}

}  // namespace hnn
