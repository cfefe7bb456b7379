#include "train/chunked_loss.hpp"

#include <omp.h>

#include <algorithm>

namespace hnn {

ChunkedLoss::ChunkedLoss(const Model& m, long chunk) : model_(m), chunk_(chunk) {
  for (int t = 0; t < omp_get_max_threads(); ++t) ws_.push_back(m.make_workspace());
}

double ChunkedLoss::operator()(const Vec& theta, const Mat& x, const Mat& y, Vec* grad) {
  const long n = x.cols(), chunks = (n + chunk_ - 1) / chunk_;
  sse_.assign(static_cast<std::size_t>(chunks), 0.0);
  if (grad) g_.setZero(model_.n_params(), chunks);
#pragma omp parallel for schedule(dynamic, 1)
  for (long c = 0; c < chunks; ++c) {
    const long b = c * chunk_, len = std::min(chunk_, n - b);
    auto& ws = *ws_[static_cast<std::size_t>(omp_get_thread_num())];
    sse_[static_cast<std::size_t>(c)] = model_.sum_squared_error(
        theta, x.middleCols(b, len), y.middleCols(b, len), ws, grad ? g_.col(c).data() : nullptr);
  }
  double sse = 0;
  for (long c = 0; c < chunks; ++c) sse += sse_[static_cast<std::size_t>(c)];
  if (grad) {
    grad->setZero(model_.n_params());
    for (long c = 0; c < chunks; ++c) *grad += g_.col(c);
  }
  return sse;
}

}  // namespace hnn
