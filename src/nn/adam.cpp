#include "nn/adam.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/error.hpp"

namespace hnn {

template <class S>
Adam<S>::Adam(long n, AdamOptions options) : options_(options) {
  const auto& o = options_;
  if (n < 0) throw ConfigError("Adam: negative parameter count");
  if (!(o.lr >= 0)) throw ConfigError("Adam: lr = " + std::to_string(o.lr) + " is negative");
  if (!(o.eps >= 0)) throw ConfigError("Adam: eps = " + std::to_string(o.eps) + " is negative");
  if (!(o.beta1 >= 0 && o.beta1 < 1) || !(o.beta2 >= 0 && o.beta2 < 1))
    throw ConfigError("Adam: betas must lie in [0, 1)");
  if (!(o.weight_decay >= 0))
    throw ConfigError("Adam: weight_decay = " + std::to_string(o.weight_decay) + " is negative");
  state_.m = Vec::Zero(n);
  state_.v = Vec::Zero(n);
}

template <class S>
void Adam<S>::set_state(State s) {
  if (s.m.size() != state_.m.size() || s.v.size() != state_.v.size() || s.step < 0)
    throw std::invalid_argument("Adam::set_state: moments of size " + std::to_string(s.m.size()) +
                                ", expected " + std::to_string(state_.m.size()));
  state_ = std::move(s);
}

template <class S>
void Adam<S>::step(Eigen::Ref<Vec> theta, const Eigen::Ref<const Vec>& grad, double lr) {
  const Eigen::Index n = state_.m.size();
  if (theta.size() != n || grad.size() != n)
    throw std::invalid_argument("Adam::step: θ or gradient size differs from " + std::to_string(n));
  const auto& o = options_;
  ++state_.step;
  // Scalars as torch computes them (Python floats, i.e. double), then cast to the tensor type.
  const double t = static_cast<double>(state_.step);
  const double bias_correction1 = 1.0 - std::pow(o.beta1, t);
  const double bias_correction2 = 1.0 - std::pow(o.beta2, t);
  const S step_size = static_cast<S>(lr / bias_correction1);
  const S bc2_sqrt = static_cast<S>(std::sqrt(bias_correction2));
  const S wd = static_cast<S>(o.weight_decay);
  const S w1 = static_cast<S>(1.0 - o.beta1);  // lerp weight
  const S b2 = static_cast<S>(o.beta2);
  const S one_minus_b2 = static_cast<S>(1.0 - o.beta2);
  const S eps = static_cast<S>(o.eps);
  const bool small_weight = std::abs(1.0 - o.beta1) < 0.5;  // ATen lerp's two forms
  S* m = state_.m.data();
  S* v = state_.v.data();
  S* th = theta.data();
  const S* gr = grad.data();
  for (Eigen::Index i = 0; i < n; ++i) {
    const S g = o.weight_decay != 0 ? gr[i] + wd * th[i] : gr[i];
    m[i] = small_weight ? m[i] + w1 * (g - m[i]) : g - (g - m[i]) * (S(1) - w1);
    v[i] = v[i] * b2 + one_minus_b2 * g * g;
    const S denom = std::sqrt(v[i]) / bc2_sqrt + eps;
    th[i] = th[i] + (-step_size) * m[i] / denom;
  }
}

template class Adam<double>;
template class Adam<float>;

}  // namespace hnn
