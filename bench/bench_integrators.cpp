// Integrator throughput benchmarks (Google Benchmark). See docs/benchmarks.md for how to run them
// and for measured figures.
//
//   steps/<system>/<method>      one trajectory per iteration (initial states cycle over
//                                sample(Rng(0, k)), k = 0..7); counters steps/s and evals/s.
//                                rk4, leapfrog, yoshida4 use a fixed dt per system; dopri5 uses
//                                rtol = atol = 1e-10. evals: vector-field evaluations (rk4,
//                                dopri5) or dV/dq + dT/dp calls together (leapfrog, yoshida4).
//   pendulum_set/<atol>/omp:<T>  the reference pendulum data set: 50 trajectories of the default
//                                Pendulum from sample(Rng(0, i)), dopri5 rtol = 1e-10 with
//                                atol = 1e-6 (scipy's default, as the reference generator) or
//                                1e-10, 45 output times on [0, 3]; T OpenMP threads over the
//                                trajectories, one integrator per thread; counter traj/s.
//   pendulum_ensemble1000/...    the same with 1000 trajectories (less load imbalance per
//                                iteration), for the parallel efficiency.
//   pendulum_set_generic/...     pendulum_set through a VectorField that forwards to Pendulum's
//                                virtual field(): dopri5's generic fixed-size path, the one a
//                                learned model of the same size takes (not the inlined fast path).
//   gemm512                      Eigen double C = A·B, 512×512, single thread; counter FLOP/s.
//                                The machine reference figure: report other figures as ratios.
//
// All timings are wall clock (UseRealTime). Every benchmark runs 3 repetitions of >= 0.15 s by
// default (--benchmark_repetitions / --benchmark_min_time override that); at the end a "best of
// repetitions" table lists the highest value of each rate counter (the machine is shared and
// noisy, so the best repetition is the least disturbed one), and omp_efficiency lines give
// best(traj/s, 2 threads) / (2 · best(traj/s, 1 thread)).
#include <benchmark/benchmark.h>
#include <omp.h>
#include <unistd.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "core/rng.hpp"
#include "integrators/dopri5.hpp"
#include "integrators/leapfrog.hpp"
#include "integrators/rk4.hpp"
#include "integrators/yoshida4.hpp"
#include "systems/fput.hpp"
#include "systems/henon_heiles.hpp"
#include "systems/kepler.hpp"
#include "systems/nbody.hpp"
#include "systems/pendulum.hpp"
#include "systems/spring.hpp"

namespace {

constexpr int kRepetitions = 3;
constexpr double kMinTime = 0.15;  // seconds per repetition

// numpy.linspace(a, b, n).
std::vector<double> linspace(double a, double b, int n) {
  std::vector<double> t(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) t[static_cast<std::size_t>(i)] = a + (b - a) * i / (n - 1);
  t.back() = b;
  return t;
}

// A system with the time grid and fixed step its benchmarks use.
struct Case {
  std::string name;
  std::function<std::unique_ptr<hnn::System>()> make;
  double t_end;
  int n_times;
  double dt;  // for rk4, leapfrog, yoshida4
};

std::vector<Case> cases() {
  using namespace hnn;
  std::vector<Case> c;
  c.push_back({"spring", [] { return std::make_unique<Spring>(); }, 3.0, 30, 0.01});
  c.push_back({"pendulum", [] { return std::make_unique<Pendulum>(); }, 3.0, 45, 0.01});
  c.push_back({"kepler3d", [] { return std::make_unique<Kepler>(); }, 10.0, 100, 1e-3});
  c.push_back({"nbody2", [] { return std::make_unique<NBody>(NBodyParams::reference(2)); }, 20.0,
               50, 0.01});
  c.push_back({"nbody3", [] { return std::make_unique<NBody>(NBodyParams::reference(3)); }, 5.0,
               20, 1e-3});
  auto fput = [](int n) {
    return [n] {
      FputParams p;
      p.n = n;
      p.beta = 1.0;
      if (n == 5) {  // inputs/fput.toml
        p.mode_energies = {0.0, 1.0, 0.0, 0.5, 0.0};
        p.energy_scale_min = 0.5;
        p.energy_scale_max = 1.5;
      }
      return std::make_unique<Fput>(p);
    };
  };
  c.push_back({"fput5", fput(5), 50.0, 101, 0.01});
  c.push_back({"fput32", fput(32), 10.0, 101, 0.01});
  c.push_back({"henon_heiles", [] { return std::make_unique<HenonHeiles>(); }, 50.0, 101, 0.01});
  return c;
}

std::unique_ptr<hnn::Integrator> make_method(const std::string& method, double dt) {
  if (method == "rk4") return std::make_unique<hnn::Rk4>(dt);
  if (method == "leapfrog") return std::make_unique<hnn::Leapfrog>(dt);
  if (method == "yoshida4") return std::make_unique<hnn::Yoshida4>(dt);
  hnn::Dopri5Options o;
  o.rtol = 1e-10;
  o.atol = 1e-10;
  return std::make_unique<hnn::Dopri5>(o);
}

void BM_steps(benchmark::State& state, const Case& c, const std::string& method) {
  try {
    const auto sys = c.make();
    auto integ = make_method(method, c.dt);
    const auto times = linspace(0.0, c.t_end, c.n_times);
    std::vector<hnn::Vec> x0;
    for (std::uint64_t k = 0; k < 8; ++k) {
      hnn::Rng rng(0, k);
      x0.push_back(sys->sample(rng));
    }
    std::vector<double> out(times.size() * static_cast<std::size_t>(sys->dim()));
    long steps = 0, evals = 0, rejected = 0;
    std::size_t k = 0;
    for (auto _ : state) {
      integ->integrate(*sys, x0[k], 0.0, times, out.data());
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
      steps += integ->stats().steps;
      evals += integ->stats().evals;
      rejected += integ->stats().rejected;
      k = (k + 1) % x0.size();
    }
    using benchmark::Counter;
    state.counters["steps"] = Counter(static_cast<double>(steps), Counter::kIsRate);
    state.counters["evals"] = Counter(static_cast<double>(evals), Counter::kIsRate);
    state.counters["steps_per_traj"] =
        Counter(static_cast<double>(steps), Counter::kAvgIterations);
    if (method == "dopri5")
      state.counters["rejected_per_traj"] =
          Counter(static_cast<double>(rejected), Counter::kAvgIterations);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// Forwards to another vector field's virtual field(): hides the concrete system from Dopri5.
class Forward final : public hnn::VectorField {
 public:
  explicit Forward(const hnn::VectorField& f) : f_(f) {}
  int dim() const override { return f_.dim(); }
  void field(hnn::ConstVecRef x, hnn::VecRef dxdt) const override { f_.field(x, dxdt); }

 private:
  const hnn::VectorField& f_;
};

// The reference pendulum data set (Greydanus et al. 2019): N trajectories of H = 3(1 − cos q) + p²,
// dopri5 rtol = 1e-10, 45 output times on [0, 3], x0 from Pendulum::sample(Rng(0, i)).
// generic: integrate Forward(sys) instead of sys.
void BM_pendulum_set(benchmark::State& state, int n_traj, double atol, int threads,
                     bool generic) {
  const hnn::Pendulum sys;
  const Forward forward(sys);
  const hnn::VectorField& f = generic ? static_cast<const hnn::VectorField&>(forward) : sys;
  const auto times = linspace(0.0, 3.0, 45);
  const long nt = static_cast<long>(times.size()), d = sys.dim();
  hnn::Dopri5Options o;
  o.rtol = 1e-10;
  o.atol = atol;
  std::vector<std::unique_ptr<hnn::Dopri5>> integ;
  for (int i = 0; i < threads; ++i) integ.push_back(std::make_unique<hnn::Dopri5>(o));
  std::vector<double> out(static_cast<std::size_t>(n_traj * nt * d));
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  long steps = 0, evals = 0, failed = 0;
  for (auto _ : state) {
#pragma omp parallel reduction(+ : steps, evals, failed)
    {
      hnn::Dopri5& it = *integ[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 1)
      for (int i = 0; i < n_traj; ++i) {
        try {
          hnn::Rng rng(0, static_cast<std::uint64_t>(i));
          const hnn::Vec x0 = sys.sample(rng);
          it.integrate(f, x0, 0.0, times, out.data() + i * nt * d);
          steps += it.stats().steps;
          evals += it.stats().evals;
        } catch (...) {
          ++failed;
        }
      }
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  omp_set_num_threads(saved);
  if (failed > 0) {
    state.SkipWithError("a trajectory failed");
    return;
  }
  using benchmark::Counter;
  const double iters = static_cast<double>(state.iterations());
  state.counters["traj"] = Counter(iters * n_traj, Counter::kIsRate);
  state.counters["steps"] = Counter(static_cast<double>(steps), Counter::kIsRate);
  state.counters["evals"] = Counter(static_cast<double>(evals), Counter::kIsRate);
  state.counters["steps_per_traj"] = Counter(static_cast<double>(steps) / (iters * n_traj));
  state.counters["evals_per_traj"] = Counter(static_cast<double>(evals) / (iters * n_traj));
  state.counters["omp_threads"] = threads;
}

void BM_gemm(benchmark::State& state) {
  const Eigen::Index n = state.range(0);
  const Eigen::MatrixXd a = Eigen::MatrixXd::Random(n, n), b = Eigen::MatrixXd::Random(n, n);
  Eigen::MatrixXd c(n, n);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
  state.counters["FLOP"] =
      benchmark::Counter(flops * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// best(traj/s, 2 threads) / (2 · best(traj/s, 1 thread)) for every ensemble.
void print_omp_efficiency(const hnn::bench::Best& best, std::FILE* f) {
  for (const std::string set : {"pendulum_set", "pendulum_ensemble1000"})
    for (const std::string atol : {"atol1e-6", "atol1e-10"}) {
      const auto k1 = best.find(set + "/" + atol + "/omp:1"), k2 = best.find(set + "/" + atol + "/omp:2");
      if (k1 == best.end() || k2 == best.end() || !k1->second.count("traj") || !k2->second.count("traj"))
        continue;
      std::fprintf(f, "omp_efficiency %-34s %.4f\n", (set + "/" + atol).c_str(),
                   k2->second.at("traj") / (2.0 * k1->second.at("traj")));
    }
}

}  // namespace

int main(int argc, char** argv) {
  const hnn::bench::Defaults configure(argc, argv, kRepetitions, kMinTime);
  static const std::vector<Case> all = cases();
  for (const Case& c : all)
    for (const std::string method : {"rk4", "leapfrog", "yoshida4", "dopri5"})
      configure(benchmark::RegisterBenchmark(("steps/" + c.name + "/" + method).c_str(), BM_steps,
                                             c, method),
                benchmark::kMicrosecond);
  for (const auto& [set, n] : {std::pair<std::string, int>{"pendulum_set", 50},
                               std::pair<std::string, int>{"pendulum_ensemble1000", 1000}})
    for (const auto& [atol_name, atol] : {std::pair<std::string, double>{"atol1e-6", 1e-6},
                                          std::pair<std::string, double>{"atol1e-10", 1e-10}})
      for (int threads : {1, 2})
        configure(benchmark::RegisterBenchmark(
                      (set + "/" + atol_name + "/omp:" + std::to_string(threads)).c_str(),
                      BM_pendulum_set, n, atol, threads, false),
                  benchmark::kMillisecond);
  configure(benchmark::RegisterBenchmark("pendulum_set_generic/atol1e-6/omp:1", BM_pendulum_set,
                                         50, 1e-6, 1, true),
            benchmark::kMillisecond);
  configure(benchmark::RegisterBenchmark("gemm512", BM_gemm)->Arg(512), benchmark::kMillisecond);

  return hnn::bench::run_benchmarks(argc, argv, print_omp_efficiency);
}
