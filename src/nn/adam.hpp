// Adam as torch.optim.Adam computes it (amsgrad = False, maximize = False; the single-tensor CPU
// path of PyTorch 2.x, same operation order). This is PyTorch's Adam, NOT AdamW: weight_decay is
// an L2 term added to the gradient before the moments, g ← g + wd·θ, so it is rescaled by the
// adaptive denominator like the rest of the gradient (the HNN reference's weight_decay).
// One step, t ← t + 1:
//   g = ∇ + wd·θ
//   m ← lerp(m, g, 1 − β1)                 (= β1 m + (1 − β1) g, torch's lerp_)
//   v ← β2 v + (1 − β2) g²
//   θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
#pragma once

#include <Eigen/Core>

namespace hnn {

struct AdamOptions {
  double lr = 1e-3;  // used by step(θ, g); schedules pass their own lr
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;  // L2 (PyTorch Adam), not decoupled
};

template <class S>
class Adam {
 public:
  using Vec = Eigen::Matrix<S, Eigen::Dynamic, 1>;

  // Everything a checkpoint needs to resume bit-identically (with the options).
  struct State {
    Vec m, v;       // first and second moments, size n
    long step = 0;  // number of updates made
  };

  // Throws ConfigError on n < 0, lr < 0, eps < 0, betas outside [0, 1), weight_decay < 0.
  Adam(long n, AdamOptions options = {});

  // One update of θ with gradient GRAD (not modified) and learning rate LR.
  void step(Eigen::Ref<Vec> theta, const Eigen::Ref<const Vec>& grad, double lr);
  void step(Eigen::Ref<Vec> theta, const Eigen::Ref<const Vec>& grad) {
    step(theta, grad, options_.lr);
  }

  const AdamOptions& options() const { return options_; }
  const State& state() const { return state_; }
  // Replaces the state (from a checkpoint); throws std::invalid_argument on a size mismatch.
  void set_state(State s);

 private:
  AdamOptions options_;
  State state_;
};

extern template class Adam<double>;
extern template class Adam<float>;

}  // namespace hnn
