#include "nn/upsample.hpp"

#include <string>

#include "core/error.hpp"

namespace hnn {

Upsample::Upsample(const UpsampleShape& s) : s_(s) {
  if (s.channels < 1 || s.height < 1 || s.width < 1 || s.factor < 1)
    throw ConfigError("upsample: sizes must be >= 1 (C " + std::to_string(s.channels) + ", H " +
                      std::to_string(s.height) + ", W " + std::to_string(s.width) + ", factor " +
                      std::to_string(s.factor) + ")");
}

void Upsample::forward(const Mat& x, Mat& y) const {
  if (x.rows() != s_.in_size())
    throw ConfigError("upsample: input has " + std::to_string(x.rows()) + " rows, expected " +
                      std::to_string(s_.in_size()));
  const int f = s_.factor, H = s_.height, W = s_.width, Wo = W * f;
  y.resize(s_.out_size(), x.cols());
  for (long n = 0; n < x.cols(); ++n) {
    const double* xi = x.col(n).data();
    double* yo = y.col(n).data();
    for (int c = 0; c < s_.channels; ++c)
      for (int i = 0; i < H * f; ++i) {  // output row i repeats input row i / f
        const double* row = xi + (static_cast<long>(c) * H + i / f) * W;
        double* out = yo + (static_cast<long>(c) * H * f + i) * Wo;
        for (int j = 0; j < W; ++j)
          for (int k = 0; k < f; ++k) out[j * f + k] = row[j];
      }
  }
}

void Upsample::backward(const Mat& dy, Mat& dx) const {
  const int f = s_.factor, H = s_.height, W = s_.width, Wo = W * f;
  for (long n = 0; n < dy.cols(); ++n) {
    const double* g = dy.col(n).data();
    double* d = dx.col(n).data();
    for (int c = 0; c < s_.channels; ++c)
      for (int i = 0; i < H * f; ++i) {
        double* row = d + (static_cast<long>(c) * H + i / f) * W;
        const double* in = g + (static_cast<long>(c) * H * f + i) * Wo;
        for (int j = 0; j < W; ++j)  // the order of the sums as one pass over in[] would add
          for (int k = 0; k < f; ++k) row[j] += in[j * f + k];
      }
  }
}

}  // namespace hnn
