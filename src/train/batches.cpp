#include "train/batches.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_set>

#include "core/rng.hpp"

namespace hnn {

std::vector<std::int64_t> minibatch(std::uint64_t seed, long step, std::int64_t n, std::int64_t batch) {
  std::vector<std::int64_t> out;
  if (batch >= n) {
    out.resize(static_cast<std::size_t>(n));
    std::iota(out.begin(), out.end(), std::int64_t{0});
    return out;
  }
  Rng rng(seed, 1 + static_cast<std::uint64_t>(step));
  std::unordered_set<std::int64_t> chosen;
  chosen.reserve(static_cast<std::size_t>(batch) * 2);
  for (std::int64_t j = n - batch; j < n; ++j) {
    const auto t = static_cast<std::int64_t>(rng.uniform() * static_cast<double>(j + 1));
    if (!chosen.insert(std::min(t, j)).second) chosen.insert(j);
  }
  out.assign(chosen.begin(), chosen.end());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::int64_t> epoch_batch(std::uint64_t seed, long step, std::int64_t n,
                                      std::int64_t batch) {
  std::vector<std::int64_t> perm(static_cast<std::size_t>(n));
  std::iota(perm.begin(), perm.end(), std::int64_t{0});
  if (batch >= n) return perm;
  const std::int64_t per_epoch = (n + batch - 1) / batch;
  const std::int64_t epoch = step / per_epoch, j = step % per_epoch;
  Rng rng(seed, (std::uint64_t{1} << 63) + static_cast<std::uint64_t>(epoch));
  for (std::int64_t i = n - 1; i > 0; --i) {
    const auto k = std::min(i, static_cast<std::int64_t>(rng.uniform() * static_cast<double>(i + 1)));
    std::swap(perm[static_cast<std::size_t>(i)], perm[static_cast<std::size_t>(k)]);
  }
  const auto b = perm.begin() + j * batch, e = perm.begin() + std::min(n, (j + 1) * batch);
  std::vector<std::int64_t> out(b, e);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace hnn
