// The evaluators' loop over independent items (rollouts, loss chunks) on OpenMP threads.
#pragma once

#include <exception>
#include <functional>
#include <vector>

namespace hnn {

// Runs BODY(i) for i in [0, n) on OpenMP threads; rethrows the exception of the lowest i.
inline void parallel_for(long n, const std::function<void(long)>& body) {
  std::vector<std::exception_ptr> err(static_cast<std::size_t>(n));
#pragma omp parallel for schedule(dynamic, 1)
  for (long i = 0; i < n; ++i) {
    try {
      body(i);
    } catch (...) {
      err[static_cast<std::size_t>(i)] = std::current_exception();
    }
  }
  for (const auto& e : err)
    if (e) std::rethrow_exception(e);
}

}  // namespace hnn
