#include "nn/clip.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"

namespace hnn {

template <class S>
double clip_grad_norm(Eigen::Ref<Eigen::Matrix<S, Eigen::Dynamic, 1>> grad, double max_norm) {
  if (!(max_norm > 0))
    throw ConfigError("clip_grad_norm: max_norm = " + std::to_string(max_norm) +
                      " must be positive");
  double sum = 0.0;
  for (Eigen::Index i = 0; i < grad.size(); ++i) {
    const double g = static_cast<double>(grad[i]);
    sum += g * g;
  }
  const double total = std::sqrt(sum);
  if (!std::isfinite(total)) return total;
  const double coef = max_norm / (total + 1e-6);
  if (coef < 1.0) grad *= static_cast<S>(coef);
  return total;
}

template double clip_grad_norm<double>(Eigen::Ref<Eigen::VectorXd>, double);
template double clip_grad_norm<float>(Eigen::Ref<Eigen::VectorXf>, double);

}  // namespace hnn
