// A loss sum shared by OpenMP threads and bitwise independent of the thread count: the work is
// cut into tasks 0..n−1 (fixed chunks of columns, or single trajectories); threads take whole
// tasks, each with its own workspace; every task's value and gradient go to a slot of their own,
// and the slots are added in task order afterwards. The result depends on how the work is cut
// into tasks, never on how many threads ran them.
#pragma once

#include <omp.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "core/types.hpp"

namespace hnn {

template <class Workspace>
class OrderedSum {
 public:
  // One workspace per OpenMP thread (omp_get_max_threads() at construction), made by MAKE.
  OrderedSum(long n_params, const std::function<Workspace()>& make) : n_params_(n_params) {
    for (int t = 0; t < omp_get_max_threads(); ++t) {
      ws_.push_back(make());
      g_.emplace_back();
    }
  }

  // Σ_t F(t, workspace, g_t) over the tasks t = 0..n_tasks−1. F returns task t's value and, when
  // g_t is not null (GRAD not null), ADDS its gradient to g_t (zeroed, n_params entries). If GRAD
  // is not null it is set to Σ_t g_t.
  template <class F>
  double operator()(long n_tasks, F f, Vec* grad) {
    value_.assign(static_cast<std::size_t>(n_tasks), 0.0);
    if (grad) gsum_.setZero(n_params_, n_tasks);
#pragma omp parallel for schedule(dynamic, 1)
    for (long t = 0; t < n_tasks; ++t) {
      const auto me = static_cast<std::size_t>(omp_get_thread_num());
      Vec* g = nullptr;
      if (grad) {
        g_[me].setZero(n_params_);
        g = &g_[me];
      }
      value_[static_cast<std::size_t>(t)] = f(t, ws_[me], g);
      if (grad) gsum_.col(t) = *g;
    }
    double s = 0;
    for (double v : value_) s += v;
    if (grad) {
      grad->setZero(n_params_);
      for (long t = 0; t < n_tasks; ++t) *grad += gsum_.col(t);
    }
    return s;
  }

  // The same with the columns [0, n_cols) cut into fixed chunks of CHUNK columns (the last may
  // be shorter), one task each: Σ_c F(first, count, workspace, g_c).
  template <class F>
  double over_chunks(long n_cols, long chunk, F f, Vec* grad) {
    return (*this)(
        (n_cols + chunk - 1) / chunk,
        [&](long c, Workspace& ws, Vec* g) {
          const long first = c * chunk;
          return f(first, std::min(chunk, n_cols - first), ws, g);
        },
        grad);
  }

 private:
  long n_params_;
  std::vector<Workspace> ws_;
  std::vector<Vec> g_;  // per thread
  std::vector<double> value_;
  Mat gsum_;  // n_params × tasks
};

}  // namespace hnn
