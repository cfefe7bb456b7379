// The multilayer perceptron of the HNN and of the baseline model, as forward/backward pairs over
// one flat parameter vector θ, with samples as the columns of Eigen matrices so that every layer
// is a matrix product over the batch.
//
// Layers k = 0..L−1 (L = sizes.size() − 1) map n_k → n_{k+1} (n = sizes):
//   h_0 = x,  a_{k+1} = W_k h_k + b_k,  h_{k+1} = σ(a_{k+1})  (k < L−1),
//   y = W_{L−1} h_{L−1} + b_{L−1}.
// The last layer has no activation and, by default, no bias (the HNN reference).
//
// Parameter layout of θ: for k = 0..L−1 in order, W_k (n_{k+1} × n_k, column-major), then b_k
// (n_{k+1}; absent for the last layer unless last_bias). W(k, θ) and b(k, θ) are Eigen::Map views.
//
// Two families of passes share one Cache:
//  * generic (the baseline model, any output size): forward / backward;
//  * scalar network H_θ(x) (sizes.back() == 1): forward_with_input_grad gives H and G = ∇_x H in
//    one fused pass; backward_through_input_grad gives ∂L/∂θ for a loss L(H, ∇_x H) from dL/dH and
//    dL/dG with the mixed second derivatives written out (σ''), as matrix products over the batch;
//    hvp gives Hessian-vector products ∇²_x H · v.
// Backward passes ACCUMULATE into dθ (and dX): zero them once per step, sum over batch chunks.
// Nothing here is threaded (no OpenMP; Eigen is built with EIGEN_DONT_PARALLELIZE): callers thread
// over batch chunks, one Cache per thread.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "nn/activation.hpp"

namespace hnn {

struct MlpShape {
  std::vector<int> sizes;  // n_0 (inputs), hidden widths..., n_L (outputs); at least 2 entries
  Activation act = Activation::tanh;
  bool last_bias = false;  // bias on the last layer (false: the HNN reference)
};

// Scalar = double (the default everywhere) or float.
template <class S>
class Mlp {
 public:
  using Vec = Eigen::Matrix<S, Eigen::Dynamic, 1>;
  using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
  using ConstVecRef = Eigen::Ref<const Vec>;
  using VecRef = Eigen::Ref<Vec>;
  using ConstMatRef = Eigen::Ref<const Mat>;
  using MatRef = Eigen::Ref<Mat>;

  // Work space of the passes, sized for one batch size B on first use and reused (no allocation
  // by hnn while B and the network stay the same). One per thread. Holds, per width n_i
  // (i = 0..L−1; i = 0 is the input):
  //   Q[i]  n_i × 2B  [h_i | u_i]     activations | forward-mode tangents (u_0 = dG or V)
  //   Z[i]  n_i × B   a_i, then g_i = ∂H/∂h_i, then the tangent v_i = W_{i−1} u_{i−1}   (i ≥ 1)
  //   Sd[i] n_i × B   σ'(a_i)                                                           (i ≥ 1)
  //   T[i]  n_i × B   σ''(a_i) ⊙ g_i                                                    (i ≥ 1)
  //   P[i]  n_i × 2B  [ā_i | δ_i]  adjoint of a_i | δ_i = σ'(a_i) ⊙ g_i                 (i ≥ 1)
  class Cache {
   public:
    Eigen::Index batch() const { return batch_; }

   private:
    friend class Mlp;
    enum class Pass { none, forward, fused };
    Eigen::Index batch_ = -1;
    Pass pass_ = Pass::none;
    std::vector<Mat> Q, Z, Sd, T, P;
    Mat H, G;  // outputs of the forward pass inside hvp
  };

  explicit Mlp(MlpShape shape);  // throws ConfigError on fewer than 2 sizes or a size < 1

  const MlpShape& shape() const { return shape_; }
  int n_layers() const { return static_cast<int>(shape_.sizes.size()) - 1; }  // L
  int n_in() const { return shape_.sizes.front(); }
  int n_out() const { return shape_.sizes.back(); }
  long n_params() const { return n_params_; }
  bool has_bias(int k) const { return k < n_layers() - 1 || shape_.last_bias; }
  long weight_offset(int k) const { return w_off_[k]; }  // index of W_k(0, 0) in θ
  long bias_offset(int k) const { return b_off_[k]; }    // index of b_k(0); meaningless w/o bias

  // Views of layer k's weights (n_{k+1} × n_k) and bias (n_{k+1}, or size 0 without a bias).
  Eigen::Map<const Mat> W(int k, const S* theta) const;
  Eigen::Map<Mat> W(int k, S* theta) const;
  Eigen::Map<const Vec> b(int k, const S* theta) const;
  Eigen::Map<Vec> b(int k, S* theta) const;
  Eigen::Map<const Mat> W(int k, const Vec& theta) const { return W(k, theta.data()); }
  Eigen::Map<Mat> W(int k, Vec& theta) const { return W(k, theta.data()); }
  Eigen::Map<const Vec> b(int k, const Vec& theta) const { return b(k, theta.data()); }
  Eigen::Map<Vec> b(int k, Vec& theta) const { return b(k, theta.data()); }

  // ---- generic passes (vector output) -------------------------------------------------------
  // X: n_0 × B (samples are columns). Y: n_L × B.
  void forward(ConstVecRef theta, ConstMatRef X, MatRef Y, Cache& cache) const;
  // After forward: dθ += (∂Y/∂θ)ᵀ dY, and dX += (∂Y/∂X)ᵀ dY in the second form. dY: n_L × B.
  void backward(ConstVecRef theta, Cache& cache, ConstMatRef dY, VecRef dtheta) const;
  void backward(ConstVecRef theta, Cache& cache, ConstMatRef dY, VecRef dtheta, MatRef dX) const;

  // ---- scalar network H_θ(x) (n_L == 1) ------------------------------------------------------
  // H: 1 × B, H = H_θ(X); G: n_0 × B, G = ∇_x H_θ(X) (a backward pass over the layers). Allowed
  // for relu (G is then its a.e. gradient).
  void forward_with_input_grad(ConstVecRef theta, ConstMatRef X, MatRef H, MatRef G,
                               Cache& cache) const;
  // After forward_with_input_grad, for a loss L(H, G): dθ += ∂L/∂θ given dH = ∂L/∂H (1 × B) and
  // dG = ∂L/∂G (n_0 × B). Exact: the σ'' terms of the mixed derivative ∂G/∂θ included. May be
  // called again on the same cache with other (dH, dG). Throws ConfigError for relu.
  void backward_through_input_grad(ConstVecRef theta, Cache& cache, ConstMatRef dH, ConstMatRef dG,
                                   VecRef dtheta) const;
  // HV = ∇²_x H_θ(x_j) · V_j for each column j. X, V, HV: n_0 × B. Runs its own forward pass
  // (leaving the cache as forward_with_input_grad on X would). Throws ConfigError for relu.
  void hvp(ConstVecRef theta, ConstMatRef X, ConstMatRef V, MatRef HV, Cache& cache) const;
  // The same without the forward pass, bitwise: for a cache that holds forward_with_input_grad on
  // X with this θ (only σ'(a_i) and the σ'' terms of that pass are read, which
  // backward_through_input_grad and hvp leave unchanged). Saves the second forward (its
  // activations) when a pass and its backward need both (flows/coupling.cpp).
  void hvp_after_forward(ConstVecRef theta, ConstMatRef V, MatRef HV, Cache& cache) const;

 private:
  MlpShape shape_;
  std::vector<long> w_off_, b_off_;
  long n_params_ = 0;

  void prepare(Cache& c, Eigen::Index B) const;
  void check_theta(const ConstVecRef& theta) const;
  void require_scalar(const char* what) const;
  void require_second_derivative(const char* what) const;
};

using MlpD = Mlp<double>;
using MlpF = Mlp<float>;

extern template class Mlp<double>;
extern template class Mlp<float>;

}  // namespace hnn
