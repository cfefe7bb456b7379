// Shared by the benchmark executables: default repetitions, and a console reporter that ends with
// the best repetition of every rate counter (the machines are shared and noisy, so the best
// repetition is the least disturbed one) plus derived figures computed from those bests.
#pragma once

#include <benchmark/benchmark.h>
#include <omp.h>
#include <time.h>
#include <unistd.h>

#include <Eigen/Core>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace hnn::bench {

// CPU seconds of the whole process (all threads) so far. On a shared machine a 1-thread rate per
// CPU second does not depend on how much of the core other processes took (time slicing).
inline double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// best[benchmark name][counter name] = highest value over the repetitions.
using Best = std::map<std::string, std::map<std::string, double>>;

// Applies UseRealTime, the time unit, and REPS repetitions of >= MIN_TIME seconds unless the
// command line sets --benchmark_repetitions / --benchmark_min_time (per-benchmark settings would
// otherwise override them).
class Defaults {
 public:
  Defaults(int argc, char** argv, int reps, double min_time) : reps_(reps), min_time_(min_time) {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      user_reps_ = user_reps_ || a.rfind("--benchmark_repetitions", 0) == 0;
      user_min_time_ = user_min_time_ || a.rfind("--benchmark_min_time", 0) == 0;
    }
  }
  void operator()(benchmark::internal::Benchmark* b, benchmark::TimeUnit unit) const {
    b->UseRealTime()->Unit(unit);
    if (!user_min_time_) b->MinTime(min_time_);
    if (!user_reps_) b->Repetitions(reps_);
  }

 private:
  int reps_;
  double min_time_;
  bool user_reps_ = false, user_min_time_ = false;
};

// The derived figures of a training-step benchmark: for every "step/.../omp:T[/...]" benchmark
// with a FLOP counter, of_gemm = its FLOP rate over that of "gemm/omp:T" measured in the same run
// (and of_gemm_cpu, the same per CPU second, when both have FLOP_cpu); for every omp:1 step with
// an omp:2 twin, omp_efficiency = steps(2) / (2 · steps(1)).
inline void print_gemm_fractions(const Best& best, std::FILE* f) {
  const auto threads = [](const std::string& name) {
    const auto at = name.find("/omp:") + 5;
    return name.substr(at, name.find('/', at) - at);
  };
  for (const auto& [name, counters] : best) {
    if (name.rfind("step/", 0) != 0 || !counters.count("FLOP")) continue;
    const auto gemm = best.find("gemm/omp:" + threads(name));
    if (gemm == best.end()) continue;
    std::fprintf(f, "of_gemm %-40s %.3f\n", name.c_str(),
                 counters.at("FLOP") / gemm->second.at("FLOP"));
    if (counters.count("FLOP_cpu") && gemm->second.count("FLOP_cpu"))
      std::fprintf(f, "of_gemm_cpu %-36s %.3f\n", name.c_str(),
                   counters.at("FLOP_cpu") / gemm->second.at("FLOP_cpu"));
  }
  for (const auto& [name, counters] : best) {
    if (name.rfind("step/", 0) != 0 || threads(name) != "1") continue;
    auto two = name;
    two.replace(two.find("/omp:1"), 6, "/omp:2");
    if (best.count(two))
      std::fprintf(f, "omp_efficiency %-33s %.3f\n", two.c_str(),
                   best.at(two).at("steps") / (2.0 * counters.at("steps")));
  }
}

class BestReporter : public benchmark::ConsoleReporter {
 public:
  // DERIVED prints figures computed from the bests at the end (may be empty).
  explicit BestReporter(std::function<void(const Best&, std::FILE*)> derived = {})
      // Colours only on a terminal (a reporter passed to RunSpecifiedBenchmarks does not see
      // --benchmark_color).
      : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular),
        derived_(std::move(derived)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      const std::string key = r.run_name.function_name;
      if (std::find(order_.begin(), order_.end(), key) == order_.end()) order_.push_back(key);
      for (const auto& [name, c] : r.counters) {
        // Rates: Google Benchmark's (per real second) and our own per CPU second ("*_cpu",
        // set by the benchmark from the process CPU time, see cpu_seconds()).
        const bool cpu_rate = name.size() > 4 && name.compare(name.size() - 4, 4, "_cpu") == 0;
        if (!(c.flags & benchmark::Counter::kIsRate) && !cpu_rate) continue;
        double& best = best_[key][name];
        best = std::max(best, c.value);
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::FILE* f = stdout;
    std::fprintf(f, "\nBEST OF REPETITIONS (highest rate per counter)\n");
    for (const auto& key : order_)
      for (const auto& [name, v] : best_[key])
        std::fprintf(f, "best %-44s %-6s %.6g\n", key.c_str(), name.c_str(), v);
    if (derived_) derived_(best_, f);
    std::fflush(f);
  }

 private:
  std::function<void(const Best&, std::FILE*)> derived_;
  std::vector<std::string> order_;
  Best best_;
};

// The machine's GEMM rate that the training-step benchmarks are measured against: THREADS
// independent 200×200 · 200×750 products at once, one per thread. Counters FLOP (per second) and
// FLOP_cpu (per CPU second of all threads).
inline void BM_gemm_per_thread(benchmark::State& state, int threads) {
  const Eigen::Index m = 200, k = 200, n = 750;
  std::vector<Eigen::MatrixXd> a, b, c;
  for (int t = 0; t < threads; ++t) {
    a.push_back(Eigen::MatrixXd::Random(m, k));
    b.push_back(Eigen::MatrixXd::Random(k, n));
    c.push_back(Eigen::MatrixXd(m, n));
  }
  const double cpu0 = cpu_seconds();
  for (auto _ : state) {
#pragma omp parallel for num_threads(threads) schedule(static, 1)
    for (int t = 0; t < threads; ++t) c[t].noalias() = a[t] * b[t];
    benchmark::ClobberMemory();
  }
  const double cpu = cpu_seconds() - cpu0;
  const double flops = 2.0 * m * k * n * threads * static_cast<double>(state.iterations());
  state.counters["FLOP"] = benchmark::Counter(flops, benchmark::Counter::kIsRate);
  state.counters["FLOP_cpu"] = flops / cpu;
}

// Registers BM_gemm_per_thread as "gemm/omp:1" and "gemm/omp:2" (print_gemm_fractions reads them).
inline void register_gemm(const Defaults& configure) {
  for (int threads : {1, 2})
    configure(benchmark::RegisterBenchmark(("gemm/omp:" + std::to_string(threads)).c_str(),
                                           BM_gemm_per_thread, threads),
              benchmark::kMillisecond);
}

// main's tail: parses the benchmark flags, runs the registered benchmarks with a BestReporter
// that ends with DERIVED, and returns the exit code (1 for unrecognised arguments).
inline int run_benchmarks(int& argc, char** argv,
                          std::function<void(const Best&, std::FILE*)> derived) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  BestReporter reporter(std::move(derived));
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace hnn::bench
