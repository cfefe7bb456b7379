// The convolution layer (src/nn/conv2d.*) on the Hamiltonian Generative Network's shapes (32×32
// frames, inputs/train_hgn_spring.toml): forward, and forward + backward (parameter and input
// gradients), over a batch of 30 samples (one rollout's frames for the decoder layers), 1 thread.
// Counters: FLOP (per second; 2 per multiply-add of the definition: forward C_out·C·K²·H'W' per
// sample, backward twice that) and FLOP_cpu; at the end of_gemm = FLOP / the machine's GEMM rate
// measured in the same run (gemm/omp:1, bench_common.hpp).
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "core/rng.hpp"
#include "nn/conv2d.hpp"

namespace {

constexpr int kRepetitions = 3;
constexpr double kMinTime = 0.3;
constexpr long kBatch = 30;

struct Case {
  const char* name;
  hnn::Conv2dShape shape;
};
// {C, H, W, C_out, K, stride, pad}, as src/models/hgn.cpp builds them for 32×32 frames.
const std::vector<Case> kCases = {
    {"enc1", {5, 32, 32, 16, 4, 2, 1}},   // the first 5 frames as channels → 16, stride 2
    {"enc2", {16, 16, 16, 32, 4, 2, 1}},  // 16 → 32, stride 2
    {"dec3", {8, 16, 16, 8, 3, 1, 1}},    // decoder, after the first upsampling: 8 → 8
    {"dec4", {8, 32, 32, 1, 3, 1, 1}},    // decoder, the last layer: 8 → 1
};

double forward_flops(const hnn::Conv2dShape& s) {
  return 2.0 * s.out_channels * s.in_channels * s.kernel * s.kernel * s.out_height() *
         s.out_width();
}

void BM_conv(benchmark::State& state, hnn::Conv2dShape s, bool backward) {
  const hnn::Conv2d conv(s);
  hnn::Rng rng(1, 0);
  std::vector<double> theta(static_cast<std::size_t>(conv.n_params()));
  conv.init_params(rng, theta.data());
  hnn::Mat x(s.in_size(), kBatch), y, dy(s.out_size(), kBatch), dx(s.in_size(), kBatch);
  for (long i = 0; i < x.size(); ++i) x.data()[i] = rng.normal();
  for (long i = 0; i < dy.size(); ++i) dy.data()[i] = rng.normal();
  std::vector<double> g(theta.size(), 0.0);
  const double cpu0 = hnn::bench::cpu_seconds();
  for (auto _ : state) {
    conv.forward(theta.data(), x, y);
    if (backward) {
      dx.setZero();
      conv.backward(theta.data(), x, dy, g.data(), &dx);
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::DoNotOptimize(dx.data());
    benchmark::ClobberMemory();
  }
  const double cpu = hnn::bench::cpu_seconds() - cpu0;
  const double flops = (backward ? 3.0 : 1.0) * forward_flops(s) * kBatch *
                       static_cast<double>(state.iterations());
  state.counters["FLOP"] = benchmark::Counter(flops, benchmark::Counter::kIsRate);
  state.counters["FLOP_cpu"] = flops / cpu;
}

void print_fractions(const hnn::bench::Best& best, std::FILE* f) {
  const auto gemm = best.find("gemm/omp:1");
  if (gemm == best.end()) return;
  for (const auto& [name, counters] : best)
    if (name.rfind("conv/", 0) == 0 && counters.count("FLOP"))
      std::fprintf(f, "of_gemm %-40s %.3f\n", name.c_str(),
                   counters.at("FLOP") / gemm->second.at("FLOP"));
}

}  // namespace

int main(int argc, char** argv) {
  const hnn::bench::Defaults configure(argc, argv, kRepetitions, kMinTime);
  hnn::bench::register_gemm(configure);
  for (const auto& c : kCases)
    for (bool backward : {false, true})
      configure(benchmark::RegisterBenchmark(
                    ("conv/" + std::string(c.name) + (backward ? "/fwd+bwd" : "/fwd")).c_str(),
                    BM_conv, c.shape, backward),
                benchmark::kMicrosecond);
  return hnn::bench::run_benchmarks(argc, argv, print_fractions);
}
