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
  std::vector<double> times;
  long n_traj = 0, n_test = 0, block = 0;
  bool test_first = false;
  double noise_std = 0;
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
  cfg.check_sections({"system", "integrator", "data", "output"});
  p.system = make_system(cfg.section("system"));
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
  p.seed = static_cast<std::uint64_t>(data.get_count("seed", 0, 0));
  p.n_test = data.get_count("n_test", 0, 0);
  data.require(p.n_test <= p.n_traj, "n_test", "must be <= n_trajectories");
  p.test_first = data.get_choice("test", {"first", "last"}, "last") == "first";

  Section out = cfg.section("output");
  p.output = out.get_string("path", "data.h5");
  if (!req.output.empty()) p.output = req.output;
  p.gzip = static_cast<int>(out.get_count("gzip", 0, 0));
  out.require(p.gzip <= 9, "gzip", "must be 0 (off) .. 9");
  p.block = out.get_count("block_trajectories", 4096);

  cfg.check_all_used();
  p.resolved = cfg.resolved_text();
  return p;
}

struct Block {
  std::vector<double> x, dxdt, energy;
  long steps = 0, evals = 0;
  double drift = 0;
};

// Integrates trajectories [first, first + count) into B (threads over trajectories).
void integrate_block(const Plan& p, long first, long count, Block& b) {
  const System& sys = *p.system;
  const long nt = static_cast<long>(p.times.size()), d = sys.dim();
  b.x.assign(static_cast<std::size_t>(count * nt * d), 0.0);
  b.dxdt.assign(b.x.size(), 0.0);
  b.energy.assign(static_cast<std::size_t>(count * nt), 0.0);
  long steps = 0, evals = 0, failed = count;
  double drift = 0;
  std::string failure;
#pragma omp parallel reduction(+ : steps, evals) reduction(max : drift)
  {
    Integrator& integ = *p.integrators[static_cast<std::size_t>(omp_get_thread_num())];
    Vec dx(d);
#pragma omp for schedule(dynamic, 4)
    for (long j = 0; j < count; ++j) {
      const long i = first + j;
      double* x = b.x.data() + j * nt * d;
      double* dxdt = b.dxdt.data() + j * nt * d;
      double* e = b.energy.data() + j * nt;
      try {
        Rng rng(p.seed, static_cast<std::uint64_t>(i));
        const Vec x0 = sys.sample(rng);
        integ.integrate(sys, x0, p.times.front(), p.times, x);
        steps += integ.stats().steps;
        evals += integ.stats().evals;
        for (long k = 0; k < nt; ++k) {
          Eigen::Map<Vec> xk(x + k * d, d), fk(dxdt + k * d, d);
          sys.field(xk, fk);  // targets are exact: taken before the noise
          e[k] = sys.energy(xk);
        }
        drift = std::max(drift, std::abs(e[nt - 1] - e[0]) / std::max(std::abs(e[0]), 1e-300));
        if (p.noise_std > 0)
          for (long k = 0; k < nt * d; ++k) x[k] += p.noise_std * rng.normal();
      } catch (const std::exception& ex) {
#pragma omp critical
        if (j < failed) {  // report the lowest failing trajectory, whatever the thread count
          failed = j;
          failure = ex.what();
        }
      }
    }
  }
  if (failed < count)
    throw NumericsError("trajectory " + std::to_string(first + failed) + ": " + failure);
  b.steps = steps;
  b.evals = evals;
  b.drift = drift;
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
  std::unique_ptr<TrajectoryWriter> writer;
  run_collective(comm, [&] {
    writer = std::make_unique<TrajectoryWriter>(out.file(), shape, p.gzip);
    write_provenance(out.file(), prov, p.resolved, p.source);
    h5::write_attr(out.file(), "/", "system", sys.name());
    for (const auto& [k, v] : sys.parameters()) h5::write_attr(out.file(), "/", "system." + k, v);
    h5::write_attr(out.file(), "/", "integrator", p.integrators.front()->name());
    h5::write_attr(out.file(), "/", "seed", static_cast<std::int64_t>(p.seed));
    h5::write_attr(out.file(), "/", "noise_std", p.noise_std);
    h5::write_attr(out.file(), "/", "energy_of",
                   std::string("noise-free states (dxdt too); x carries the noise"));
    writer->write_times(p.times);
    std::vector<std::int64_t> train, test;
    make_split(p.n_traj, p.n_test, p.test_first, train, test);
    writer->write_split(train, test);
  });

  const Shard mine = shard_of(p.n_traj, rank, size);
  long largest = 0, mine_n = mine.size();
  MPI_Allreduce(&mine_n, &largest, 1, MPI_LONG, MPI_MAX, comm);
  const long n_blocks = (largest + p.block - 1) / p.block;
  long steps = 0, evals = 0;
  double drift = 0;
  Block b;
  for (long k = 0; k < n_blocks; ++k) {
    const long first = mine.begin + k * p.block;
    const long count = std::clamp(mine.end - first, 0L, p.block);
    run_collective(comm, [&] { integrate_block(p, first, count, b); });
    run_collective(comm, [&] {
      writer->write_block(first, count, b.x.data(), b.dxdt.data(), b.energy.data(), nullptr);
    });
    steps += b.steps;
    evals += b.evals;
    drift = std::max(drift, b.drift);
  }
  writer.reset();
  out.commit();

  GenerateSummary s;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MPI_Allreduce(&steps, &s.steps, 1, MPI_LONG, MPI_SUM, comm);
  MPI_Allreduce(&evals, &s.evals, 1, MPI_LONG, MPI_SUM, comm);
  MPI_Allreduce(&drift, &s.max_energy_drift, 1, MPI_DOUBLE, MPI_MAX, comm);
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
