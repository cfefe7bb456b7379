#include "train/chunked_loss.hpp"

namespace hnn {

ChunkedLoss::ChunkedLoss(const Model& m, long chunk)
    : model_(m), chunk_(chunk), sum_(m.n_params(), [&m] { return m.make_workspace(); }) {}

double ChunkedLoss::operator()(const Vec& theta, const Mat& x, const Mat& y, Vec* grad) {
  return sum_.over_chunks(
      x.cols(), chunk_,
      [&](long first, long count, std::unique_ptr<Model::Workspace>& ws, Vec* g) {
        return model_.sum_squared_error(theta, x.middleCols(first, count),
                                        y.middleCols(first, count), *ws,
                                        g ? g->data() : nullptr);
      },
      grad);
}

}  // namespace hnn
