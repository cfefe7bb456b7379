// The global minibatch sequence: a function of (seed, step) alone, so it does not depend on the
// number of ranks or threads, and a restarted run continues it exactly.
#pragma once

#include <cstdint>
#include <vector>

namespace hnn {

// BATCH distinct indices of [0, N), sorted, drawn uniformly (Floyd's algorithm) from the stream
// Rng(seed, 1 + step). BATCH >= N gives all of [0, N).
std::vector<std::int64_t> minibatch(std::uint64_t seed, long step, std::int64_t n, std::int64_t batch);

// Epoch-wise batches of trajectories: an epoch is ⌈N/BATCH⌉ steps that go once through a
// permutation of [0, N) drawn (Fisher–Yates) from the stream Rng(seed, 2⁶³ + epoch); step j of the
// epoch takes entries [j·BATCH, min((j+1)·BATCH, N)), returned sorted (the last batch of an epoch
// may be smaller). BATCH >= N gives all of [0, N) every step.
std::vector<std::int64_t> epoch_batch(std::uint64_t seed, long step, std::int64_t n,
                                      std::int64_t batch);

}  // namespace hnn
