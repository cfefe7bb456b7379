// A 2-D convolution layer (cross-correlation, as torch.nn.Conv2d) as a forward/backward pair over
// views into a flat θ, by im2col and one Eigen GEMM per sample: the start of the Hamiltonian
// Generative Network's encoder and decoder (Toth et al. 2019).
//
// A sample is one column of C·H·W values, channel-major and row-major within a channel:
// index c·H·W + y·W + x. Output size H' = (H + 2·pad − K)/stride + 1 (likewise W').
//   y[o, i, j] = b[o] + Σ_{c, u, v} W[o, (c, u, v)] · x[c, i·stride + u − pad, j·stride + v − pad]
// (x outside the image = 0). With the patch matrix P (H'W' × C·K·K), P[(i, j), (c, u, v)] =
// x[c, i·stride + u − pad, j·stride + v − pad], the output of one sample is the H'W' × C_out
// column-major matrix Y = P Wᵀ + 1 bᵀ, i.e. channel-major in memory.
// Backward: dW += dYᵀ P, db += Σ_positions dY, dP = dY W, and dx is dP scattered back (col2im).
// θ layout: W (C_out × C·K·K, column-major; column index c·K·K + u·K + v), then b (C_out).
#pragma once

#include "core/rng.hpp"
#include "core/types.hpp"

namespace hnn {

struct Conv2dShape {
  int in_channels = 1, height = 1, width = 1;  // input C, H, W
  int out_channels = 1, kernel = 3, stride = 1, pad = 0;
  int out_height() const { return (height + 2 * pad - kernel) / stride + 1; }
  int out_width() const { return (width + 2 * pad - kernel) / stride + 1; }
  long in_size() const { return static_cast<long>(in_channels) * height * width; }
  long out_size() const { return static_cast<long>(out_channels) * out_height() * out_width(); }
  long n_params() const {
    return static_cast<long>(out_channels) * in_channels * kernel * kernel + out_channels;
  }
};

class Conv2d {
 public:
  explicit Conv2d(const Conv2dShape& s);  // throws ConfigError on sizes < 1 or an empty output
  const Conv2dShape& shape() const { return s_; }
  long n_params() const { return s_.n_params(); }

  // Glorot-uniform weights (fan_in = C·K·K, fan_out = C_out·K·K), zero biases.
  void init_params(Rng& rng, double* theta) const;
  // X: in_size × B → Y: out_size × B.
  void forward(const double* theta, const Mat& x, Mat& y) const;
  // dθ += (∂Y/∂θ)ᵀ dY; dX += (∂Y/∂X)ᵀ dY when dx is not null (sized in_size × B). Recomputes the
  // patches from X (no cache).
  void backward(const double* theta, const Mat& x, const Mat& dy, double* dtheta, Mat* dx) const;

  // The patch matrix of one sample (H'W' × C·K·K) and its adjoint (scatter-add into x).
  void im2col(const double* x, Mat& patches) const;
  void col2im(const Mat& dpatches, double* dx) const;

 private:
  // The output indices k ∈ [0, n_out) whose input index k·stride + off lies in [0, n_in).
  struct Span {
    int begin, end;
  };
  static Span inside(int off, int n_out, int n_in, int stride);
  // op(k, i, x_row, cols) for every weight column k = (c, u, v) and every output row i whose
  // input row i·stride + u − pad is inside the image: output column j ∈ cols reads or writes the
  // input at x_row + j·stride (x_row: the offset of x[c, i·stride + u − pad, v − pad]).
  template <class Op>
  void for_each_row(Op&& op) const;
  // col2im(g wᵀ) for one output channel (g: H'W' values, w: the C·K·K weights), without the
  // product: the same terms added in the same order.
  void add_outer_col2im(const double* g, const double* w, double* dx) const;

  Conv2dShape s_;
};

}  // namespace hnn
