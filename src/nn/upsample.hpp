// Nearest-neighbour upsampling by an integer factor s (torch.nn.Upsample(mode="nearest")): the
// decoder of the Hamiltonian Generative Network (Toth et al. 2019) grows its feature maps with it
// before each convolution. No parameters.
//
// A sample is one column of C·H·W values (channel-major, row-major within a channel, as
// nn/conv2d.hpp). Output C × sH × sW:
//   y[c, i, j] = x[c, ⌊i/s⌋, ⌊j/s⌋]
// Backward (the adjoint): dx[c, a, b] += Σ_{u, v < s} dy[c, s·a + u, s·b + v].
#pragma once

#include "core/types.hpp"

namespace hnn {

struct UpsampleShape {
  int channels = 1, height = 1, width = 1;  // input C, H, W
  int factor = 2;                           // s
  long in_size() const { return static_cast<long>(channels) * height * width; }
  long out_size() const { return in_size() * factor * factor; }
};

class Upsample {
 public:
  explicit Upsample(const UpsampleShape& s);  // throws ConfigError on sizes < 1
  const UpsampleShape& shape() const { return s_; }
  // X: in_size × B → Y: out_size × B.
  void forward(const Mat& x, Mat& y) const;
  // dX += (∂Y/∂X)ᵀ dY (dX sized in_size × B).
  void backward(const Mat& dy, Mat& dx) const;

 private:
  UpsampleShape s_;
};

}  // namespace hnn
