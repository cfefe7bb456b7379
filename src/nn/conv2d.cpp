#include "nn/conv2d.hpp"

#include <cmath>

#include "core/error.hpp"

namespace hnn {

Conv2d::Conv2d(const Conv2dShape& s) : s_(s) {
  if (s.in_channels < 1 || s.height < 1 || s.width < 1 || s.out_channels < 1 || s.kernel < 1 ||
      s.stride < 1 || s.pad < 0)
    throw ConfigError("conv2d: sizes, kernel and stride must be >= 1, pad >= 0");
  if (s.height + 2 * s.pad < s.kernel || s.width + 2 * s.pad < s.kernel)
    throw ConfigError("conv2d: the kernel is larger than the padded image");
}

void Conv2d::init_params(Rng& rng, double* theta) const {
  const long kk = static_cast<long>(s_.kernel) * s_.kernel;
  const double a = std::sqrt(6.0 / static_cast<double>((s_.in_channels + s_.out_channels) * kk));
  const long nw = s_.out_channels * s_.in_channels * kk;
  for (long i = 0; i < nw; ++i) theta[i] = rng.uniform(-a, a);
  for (long i = nw; i < n_params(); ++i) theta[i] = 0.0;
}

void Conv2d::im2col(const double* x, Mat& P) const {
  const int K = s_.kernel, Ho = s_.out_height(), Wo = s_.out_width(), H = s_.height, W = s_.width;
  P.resize(static_cast<long>(Ho) * Wo, static_cast<long>(s_.in_channels) * K * K);
  for (int c = 0; c < s_.in_channels; ++c)
    for (int u = 0; u < K; ++u)
      for (int v = 0; v < K; ++v) {
        double* col = P.col((static_cast<long>(c) * K + u) * K + v).data();
        for (int i = 0; i < Ho; ++i) {
          const int yy = i * s_.stride + u - s_.pad;
          for (int j = 0; j < Wo; ++j) {
            const int xx = j * s_.stride + v - s_.pad;
            col[i * Wo + j] = (yy >= 0 && yy < H && xx >= 0 && xx < W)
                                  ? x[(static_cast<long>(c) * H + yy) * W + xx]
                                  : 0.0;
          }
        }
      }
}

void Conv2d::col2im(const Mat& P, double* dx) const {
  const int K = s_.kernel, Ho = s_.out_height(), Wo = s_.out_width(), H = s_.height, W = s_.width;
  for (int c = 0; c < s_.in_channels; ++c)
    for (int u = 0; u < K; ++u)
      for (int v = 0; v < K; ++v) {
        const double* col = P.col((static_cast<long>(c) * K + u) * K + v).data();
        for (int i = 0; i < Ho; ++i) {
          const int yy = i * s_.stride + u - s_.pad;
          if (yy < 0 || yy >= H) continue;
          for (int j = 0; j < Wo; ++j) {
            const int xx = j * s_.stride + v - s_.pad;
            if (xx >= 0 && xx < W) dx[(static_cast<long>(c) * H + yy) * W + xx] += col[i * Wo + j];
          }
        }
      }
}

void Conv2d::forward(const double* theta, const Mat& x, Mat& y) const {
  const long ckk = static_cast<long>(s_.in_channels) * s_.kernel * s_.kernel;
  const long hw = static_cast<long>(s_.out_height()) * s_.out_width();
  const Eigen::Map<const Mat> Wt(theta, s_.out_channels, ckk);
  const Eigen::Map<const Vec> b(theta + s_.out_channels * ckk, s_.out_channels);
  y.resize(s_.out_size(), x.cols());
  Mat P;
  for (long n = 0; n < x.cols(); ++n) {
    im2col(x.col(n).data(), P);
    Eigen::Map<Mat> Y(y.col(n).data(), hw, s_.out_channels);
    Y.noalias() = P * Wt.transpose();
    Y.rowwise() += b.transpose();
  }
}

void Conv2d::backward(const double* theta, const Mat& x, const Mat& dy, double* dtheta,
                      Mat* dx) const {
  const long ckk = static_cast<long>(s_.in_channels) * s_.kernel * s_.kernel;
  const long hw = static_cast<long>(s_.out_height()) * s_.out_width();
  const Eigen::Map<const Mat> Wt(theta, s_.out_channels, ckk);
  Eigen::Map<Mat> dW(dtheta, s_.out_channels, ckk);
  Eigen::Map<Vec> db(dtheta + s_.out_channels * ckk, s_.out_channels);
  Mat P, dP;
  for (long n = 0; n < x.cols(); ++n) {
    im2col(x.col(n).data(), P);
    const Eigen::Map<const Mat> dY(dy.col(n).data(), hw, s_.out_channels);
    dW.noalias() += dY.transpose() * P;
    db += dY.colwise().sum().transpose();
    if (dx) {
      dP.noalias() = dY * Wt;
      col2im(dP, dx->col(n).data());
    }
  }
}

}  // namespace hnn
