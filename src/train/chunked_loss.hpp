// The loss of a Model over many samples, threaded and bitwise independent of the thread count.
//
// The columns are cut into fixed chunks of CHUNK samples (the last may be shorter), summed by
// OrderedSum (train/ordered_sum.hpp): the result depends on the chunk size but not on the number
// of threads. Chunks should be large enough for efficient GEMMs (≥ 64) and small enough that a
// batch gives every thread work: batch 750 in chunks of 128 is 6 chunks, 3 per thread on 2 cores.
#pragma once

#include <memory>

#include "core/types.hpp"
#include "models/model.hpp"
#include "train/ordered_sum.hpp"

namespace hnn {

class ChunkedLoss {
 public:
  // Makes one workspace per OpenMP thread (omp_get_max_threads() at construction).
  ChunkedLoss(const Model& m, long chunk);

  // Σ over the columns of X of the model's squared error against Y; if GRAD is not null it is
  // resized and set to the gradient of that sum in θ.
  double operator()(const Vec& theta, const Mat& x, const Mat& y, Vec* grad);

  long chunk() const { return chunk_; }

 private:
  const Model& model_;
  long chunk_;
  OrderedSum<std::unique_ptr<Model::Workspace>> sum_;
};

}  // namespace hnn
