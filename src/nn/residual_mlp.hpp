// The encoder and the decoder of the pixel HNN (Greydanus et al. 2019, MLPAutoencoder): a dense
// layer, σ, residual blocks, a dense output layer:
//   h_0 = σ(W_in x + b_in),  h_{k+1} = h_k + σ(W_k h_k + b_k)  (k = 0..blocks−1),
//   y = W_out h_blocks + b_out.
// Shapes: x in × B, h_k width × B, y out × B.
// θ layout: W_in (width × in, column-major), b_in, then per block W_k, b_k, then W_out, b_out.
// Initialisation: every W orthogonal (torch.nn.init.orthogonal_, the reference), biases zero.
#pragma once

#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"
#include "nn/dense.hpp"

namespace hnn {

struct ResidualMlpShape {
  int in = 1, width = 1, blocks = 0, out = 1;
  Activation act = Activation::relu;
};

class ResidualMlp {
 public:
  // Forward state kept for backward (one per thread and per input batch).
  struct Cache {
    Mat x;                 // the input
    Mat a0;                // W_in x + b_in
    std::vector<Mat> h;    // h_0..h_blocks
    std::vector<Mat> a;    // pre-activations of the blocks
  };

  explicit ResidualMlp(const ResidualMlpShape& shape);  // throws ConfigError on sizes < 1
  const ResidualMlpShape& shape() const { return s_; }
  long n_params() const { return n_; }

  void init_params(Rng& rng, double* theta) const;
  // Y = net(X) (out × B); the cache keeps what backward needs.
  void forward(const double* theta, const Mat& x, Mat& y, Cache& c) const;
  // After forward: dθ += (∂Y/∂θ)ᵀ dY, and dX += (∂Y/∂X)ᵀ dY when dx is not null (sized in × B).
  void backward(const double* theta, const Cache& c, const Mat& dy, double* dtheta, Mat* dx) const;

 private:
  ResidualMlpShape s_;
  long n_ = 0;
  long w_off(int layer) const;  // layer 0 = input, 1..blocks = blocks, blocks+1 = output
  int rows(int layer) const { return layer == s_.blocks + 1 ? s_.out : s_.width; }
  int cols(int layer) const { return layer == 0 ? s_.in : s_.width; }
  ConstMapMat W(int layer, const double* t) const {
    return ConstMapMat(t + w_off(layer), rows(layer), cols(layer));
  }
  ConstMapVec b(int layer, const double* t) const {
    return ConstMapVec(t + w_off(layer) + static_cast<long>(rows(layer)) * cols(layer), rows(layer));
  }
  MapMat dW(int layer, double* t) const { return MapMat(t + w_off(layer), rows(layer), cols(layer)); }
  MapVec db(int layer, double* t) const {
    return MapVec(t + w_off(layer) + static_cast<long>(rows(layer)) * cols(layer), rows(layer));
  }
};

}  // namespace hnn
