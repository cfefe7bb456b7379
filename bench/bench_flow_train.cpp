// Training-step benchmark for the reference canonical-flow stack of Bondesan & Lamacraft (2019):
// 4 blocks of [zero_center, linear, coupling_p] (inputs/train_kepler.toml) with F of width 512,
// n = 3 (dim 6), float64, the action loss of the pulled-back states T⁻¹(x) with its exact
// gradient (models/flow_model.hpp). See docs/benchmarks.md.
//
//   gemm/omp:<T>              the machine reference, as bench_train: T threads, each computing its
//                             own C = A·B, A 200×200, B 200×750, Eigen, float64. Counter FLOP/s.
//   step/batch:<B>/omp:<T>    one training step as `hnn train` takes it on one rank: B trajectory
//                             samples as `traj` trajectories of B/traj times (128 = 2 × 64,
//                             4096 = 16 × 256), one OpenMP task per trajectory (schedule
//                             dynamic, per-thread workspaces, per-trajectory gradient columns
//                             added in order: the loop of TrajectoryObjective::sum in
//                             train/objective.cpp), then one Adam update. The states are
//                             Gaussian (the cost does not depend on their values); the per-step
//                             shuffle of the times is left out (a permutation of B indices).
//                             Counters: FLOP/s (see step_flops) and steps/s.
//
// At the end, "of_gemm" lines give best(step FLOP/s) / best(gemm FLOP/s) at the same thread count,
// "of_gemm_cpu" the same per CPU second of the process (FLOP_cpu: flops / process CPU time over
// the repetition, all threads). On a shared machine the 1-thread FLOP_cpu does not depend on the
// share of the core that other processes took; with 2 threads it also counts the CPU time that a
// waiting OpenMP thread spins.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <Eigen/Core>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "core/rng.hpp"
#include "io/config.hpp"
#include "models/flow_model.hpp"
#include "nn/adam.hpp"

namespace {

constexpr int kRepetitions = 5;
constexpr double kMinTime = 0.5;  // seconds per repetition
constexpr int kN = 3;             // degrees of freedom (Kepler 3D)
constexpr int kWidth = 512;       // hidden width of each coupling's F (the reference's)
constexpr int kCouplings = 4;

const char* kModel =
    "[model]\nkind = \"flow\"\nlayers = \"zero_center linear coupling_p\"\nrepeat = 4\n"
    "hidden = [512]\n";

// Flops of the matrix products that one coupling layer executes per sample in a training step
// (inverse pass, then inverse_backward), for F = MLP n → w → 1 (nn/mlp.cpp), 2 flops per
// multiply-add:
//   inverse:  forward_with_input_grad   W₀x (2wn), W₁h (2w), ∇F = W₀ᵀδ (2wn)         = 4wn + 2w
//   backward: backward_through_input_grad: tangent W₀·dG (2wn), output-weight gradient (2w),
//             W₀ gradient P·Q₀ᵀ with K = 2B (4wn)                                   = 6wn + 2w
//             hvp_after_forward: W₀V (2wn), W₀ᵀ (2wn)                               = 4wn
// Total 14wn + 4w = 23 552 per sample and coupling for n = 3, w = 512. Not counted: the
// activations (tanh, σ', σ'' of w values per sample and coupling), the linear and zero_center
// layers (O(n) per sample), the action loss, Adam. So the ratio to GEMM is the products' rate,
// not the step's whole arithmetic: with K = n = 3 (or 1) every product here is thin, far from
// the GEMM shape.
double step_flops_per_sample() {
  const double w = kWidth, n = kN;
  return kCouplings * (14.0 * w * n + 4.0 * w);
}

void BM_step(benchmark::State& state, long batch, long traj, int threads) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  const hnn::Config cfg = hnn::Config::from_string(kModel);
  const hnn::FlowModel model(cfg.section("model"), 2 * kN);
  const long np = model.n_params(), times = batch / traj;
  hnn::Vec theta(np), grad(np);
  hnn::Rng rng(1, 0);
  model.init_params(rng, theta);
  std::vector<hnn::Mat> x(static_cast<std::size_t>(traj), hnn::Mat(2 * kN, times));
  for (auto& m : x)
    for (long i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
  std::vector<std::unique_ptr<hnn::Model::Workspace>> ws;
  for (int t = 0; t < threads; ++t) ws.push_back(model.make_workspace());
  std::vector<double> loss(static_cast<std::size_t>(traj));
  hnn::Mat g(np, traj);
  hnn::Adam<double> adam(np);
  const double cpu0 = hnn::bench::cpu_seconds();
  for (auto _ : state) {
    g.setZero();
#pragma omp parallel for schedule(dynamic, 1)
    for (long j = 0; j < traj; ++j)
      loss[static_cast<std::size_t>(j)] = model.trajectory_loss(
          theta, x[static_cast<std::size_t>(j)], {},
          *ws[static_cast<std::size_t>(omp_get_thread_num())], g.col(j).data());
    grad.setZero();
    for (long j = 0; j < traj; ++j) grad += g.col(j);
    grad /= static_cast<double>(traj);
    adam.step(theta, grad, 1e-6);  // a small lr keeps the flow (and the cost) unchanged
    benchmark::DoNotOptimize(loss.data());
    benchmark::ClobberMemory();
  }
  const double cpu = hnn::bench::cpu_seconds() - cpu0;
  omp_set_num_threads(saved);
  const double iters = static_cast<double>(state.iterations());
  using benchmark::Counter;
  const double flops = step_flops_per_sample() * static_cast<double>(batch) * iters;
  state.counters["FLOP"] = Counter(flops, Counter::kIsRate);
  state.counters["FLOP_cpu"] = flops / cpu;
  state.counters["steps"] = Counter(iters, Counter::kIsRate);
}

std::string step_name(long batch, int threads) {
  return "step/batch:" + std::to_string(batch) + "/omp:" + std::to_string(threads);
}

void print_fractions(const hnn::bench::Best& best, std::FILE* f) {
  std::fprintf(f, "n_params %ld, step_flops_per_sample %.0f\n",
               [] {
                 const hnn::Config cfg = hnn::Config::from_string(kModel);
                 return hnn::FlowModel(cfg.section("model"), 2 * kN).n_params();
               }(),
               step_flops_per_sample());
  hnn::bench::print_gemm_fractions(best, f);
}

}  // namespace

int main(int argc, char** argv) {
  const hnn::bench::Defaults configure(argc, argv, kRepetitions, kMinTime);
  hnn::bench::register_gemm(configure);
  for (auto [batch, traj] : {std::pair{128L, 2L}, std::pair{4096L, 16L}})
    for (int threads : {1, 2})
      configure(benchmark::RegisterBenchmark(step_name(batch, threads).c_str(), BM_step, batch,
                                             traj, threads),
                benchmark::kMillisecond);

  return hnn::bench::run_benchmarks(argc, argv, print_fractions);
}
