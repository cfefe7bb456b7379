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

}  // namespace hnn
