// Training-step benchmarks for the reference HNN (Greydanus et al.): H_θ = MLP 2 → 200 → 200 → 1,
// tanh, float64, loss = squared error of Ω∇H_θ against dx/dt, with its exact parameter gradient
// (mixed second derivatives, Mlp::backward_through_input_grad). See docs/benchmarks.md.
//
//   gemm/omp:<T>                       the machine reference: T threads, each computing its own
//                                      C = A·B with A 200×200 and B 200×750 (the shape of the
//                                      step's dominant products), Eigen, float64. Counter FLOP/s.
//   step/batch:<B>/omp:<T>/chunk:<C>   one training step as `hnn train` takes it on one rank:
//                                      loss and gradient over a batch of B samples
//                                      (train/chunked_loss.hpp, chunks of C samples, T threads),
//                                      then one Adam update. Counters: FLOP/s (GEMM flops of the
//                                      step, see step_flops) and steps/s.
//
// At the end, "of_gemm" lines give best(step FLOP/s) / best(gemm FLOP/s) at the same thread
// count: the fraction of the machine's own GEMM rate the whole step achieves.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <Eigen/Core>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "core/rng.hpp"
#include "models/hnn.hpp"
#include "nn/adam.hpp"
#include "train/chunked_loss.hpp"

namespace {

constexpr int kRepetitions = 3;
constexpr double kMinTime = 0.5;  // seconds per repetition

const std::vector<int> kSizes = {2, 200, 200, 1};

// GEMM flops per sample of forward_with_input_grad + backward_through_input_grad (mlp.cpp) for
// widths n_0..n_L: each hidden layer i ≥ 2 takes 6 products of n_i × n_{i−1} × B (forward,
// input gradient, tangent, the K = 2B weight gradient counted as 2, adjoint), layer 1 takes 5
// (no adjoint below the input), the output layer 2 (forward and weight gradient). Element-wise
// work (activations, Adam) is not counted, so the ratio to GEMM understates the step slightly.
double step_flops_per_sample(const std::vector<int>& n) {
  double f = 0;
  const std::size_t L = n.size() - 1;
  for (std::size_t i = 1; i <= L; ++i) {
    const double products = i == L ? 2 : (i == 1 ? 5 : 6);
    f += products * 2.0 * n[i] * n[i - 1];
  }
  return f;
}

void BM_step(benchmark::State& state, long batch, int threads, long chunk) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  const hnn::HnnModel<double> model(2, hnn::NetSpec{});
  hnn::Vec theta(model.n_params()), grad(model.n_params());
  hnn::Rng rng(1, 0);
  model.init_params(rng, theta);
  hnn::Mat x(2, batch), y(2, batch);
  for (long j = 0; j < batch; ++j) {
    x(0, j) = rng.normal();
    x(1, j) = rng.normal();
    y(0, j) = 2 * x(1, j);  // the spring's field, so the loss is realistic
    y(1, j) = -2 * x(0, j);
  }
  hnn::ChunkedLoss loss(model, chunk);
  hnn::Adam<double> adam(model.n_params());
  const double norm = 1.0 / (2.0 * static_cast<double>(batch));
  for (auto _ : state) {
    loss(theta, x, y, &grad);
    grad *= norm;
    adam.step(theta, grad, 1e-6);  // a small lr keeps the network (and the cost) unchanged
    benchmark::ClobberMemory();
  }
  omp_set_num_threads(saved);
  const double iters = static_cast<double>(state.iterations());
  using benchmark::Counter;
  state.counters["FLOP"] =
      Counter(step_flops_per_sample(kSizes) * static_cast<double>(batch) * iters, Counter::kIsRate);
  state.counters["steps"] = Counter(iters, Counter::kIsRate);
}

std::string step_name(long batch, int threads, long chunk) {
  return "step/batch:" + std::to_string(batch) + "/omp:" + std::to_string(threads) +
         "/chunk:" + std::to_string(chunk);
}

}  // namespace

int main(int argc, char** argv) {
  const hnn::bench::Defaults configure(argc, argv, kRepetitions, kMinTime);
  hnn::bench::register_gemm(configure);
  for (long batch : {64L, 750L, 4096L})
    for (int threads : {1, 2})
      for (long chunk : {64L, 128L, 256L}) {
        if (chunk > batch && chunk != 64) continue;
        configure(benchmark::RegisterBenchmark(step_name(batch, threads, chunk).c_str(), BM_step,
                                               batch, threads, chunk),
                  benchmark::kMillisecond);
      }

  return hnn::bench::run_benchmarks(argc, argv, hnn::bench::print_gemm_fractions);
}
