// Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11, "Parallel random numbers:
// as easy as 1, 2, 3"). A stream is fixed by (seed, stream id); the n-th draw of a stream is a
// pure function of (seed, stream id, n), so results never depend on threads, ranks or the order
// in which streams are used. hnn uses one stream per trajectory: Rng(seed, trajectory_index).
#pragma once

#include <array>
#include <cstdint>

namespace hnn {

// One Philox4x32-10 block: 4 random 32-bit words from a 128-bit counter and a 64-bit key.
std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> counter,
                                           std::array<std::uint32_t, 2> key);

class Rng {
 public:
  // key = seed, counter = (stream id, draw index). Distinct (seed, stream) never overlap.
  Rng(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t next_u64();
  // Uniform on [0, 1) with 53 random bits.
  double uniform();
  // Uniform on [a, b).
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  // Standard normal (Box–Muller; both variates of a pair are used).
  double normal();

  // Position of the stream, for checkpoints: (stream id, draw index, buffered state).
  struct State {
    std::uint64_t seed, stream, block;
    std::uint32_t used;  // words of the current block already consumed (0..4)
    bool has_spare;
    double spare;
  };
  State state() const;
  static Rng from_state(const State& s);

 private:
  std::uint64_t seed_, stream_, block_ = 0;
  std::array<std::uint32_t, 4> buf_{};
  std::uint32_t used_ = 4;
  bool has_spare_ = false;
  double spare_ = 0.0;
  std::uint32_t next_u32();
};

}  // namespace hnn
