// Global L2 gradient-norm clipping, as torch.nn.utils.clip_grad_norm_(max_norm) (norm_type 2) on
// one flat gradient:
//   total = ‖g‖₂ (accumulated in double),   g ← g · min(1, max_norm / (total + 1e−6)).
// Unlike torch (which would scale by 0 or NaN), a non-finite total leaves g unchanged: the caller
// sees the returned norm and decides (e.g. throws NumericsError).
#pragma once

#include <Eigen/Core>

namespace hnn {

// Returns the norm before clipping. Throws ConfigError when max_norm is not positive.
template <class S>
double clip_grad_norm(Eigen::Ref<Eigen::Matrix<S, Eigen::Dynamic, 1>> grad, double max_norm);

}  // namespace hnn
