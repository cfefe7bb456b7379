#include "nn/conv2d.hpp"

#include <algorithm>
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

Conv2d::Span Conv2d::inside(int off, int n_out, int n_in, int stride) {
  const int b = off >= 0 ? 0 : (-off + stride - 1) / stride;
  const int e = off >= n_in ? 0 : std::min(n_out, (n_in - 1 - off) / stride + 1);
  return {b, std::max(b, e)};
}

template <class Op>
void Conv2d::for_each_row(Op&& op) const {
  const int K = s_.kernel, Ho = s_.out_height(), Wo = s_.out_width(), H = s_.height, W = s_.width;
  const int st = s_.stride;
  for (int c = 0; c < s_.in_channels; ++c)
    for (int u = 0; u < K; ++u) {
      const Span rows = inside(u - s_.pad, Ho, H, st);
      for (int v = 0; v < K; ++v) {
        const Span cols = inside(v - s_.pad, Wo, W, st);
        const long k = (static_cast<long>(c) * K + u) * K + v;
        for (int i = rows.begin; i < rows.end; ++i)
          op(k, i, (static_cast<long>(c) * H + i * st + u - s_.pad) * W + v - s_.pad, cols);
      }
    }
}

// Column (c, u, v) of P, output row i: the input row yy = i·stride + u − pad, columns j ∈ cols
// read x[c, yy, j·stride + v − pad]; the rest of the row (outside the image) is zero.
void Conv2d::im2col(const double* x, Mat& P) const {
  const int K = s_.kernel, Ho = s_.out_height(), Wo = s_.out_width(), H = s_.height, W = s_.width;
  const int st = s_.stride;
  P.resize(static_cast<long>(Ho) * Wo, static_cast<long>(s_.in_channels) * K * K);
  for (int c = 0; c < s_.in_channels; ++c)
    for (int u = 0; u < K; ++u) {
      const Span rows = inside(u - s_.pad, Ho, H, st);
      for (int v = 0; v < K; ++v) {
        const Span cols = inside(v - s_.pad, Wo, W, st);
        double* col = P.col((static_cast<long>(c) * K + u) * K + v).data();
        std::fill(col, col + static_cast<long>(rows.begin) * Wo, 0.0);
        for (int i = rows.begin; i < rows.end; ++i) {
          double* out = col + static_cast<long>(i) * Wo;
          const double* in = x + (static_cast<long>(c) * H + i * st + u - s_.pad) * W + v - s_.pad;
          std::fill(out, out + cols.begin, 0.0);
          if (st == 1)
            std::copy(in + cols.begin, in + cols.end, out + cols.begin);
          else
            for (int j = cols.begin; j < cols.end; ++j) out[j] = in[j * st];
          std::fill(out + cols.end, out + Wo, 0.0);
        }
        std::fill(col + static_cast<long>(rows.end) * Wo, col + static_cast<long>(Ho) * Wo, 0.0);
      }
    }
}

void Conv2d::col2im(const Mat& P, double* dx) const {
  const int Wo = s_.out_width(), st = s_.stride;
  for_each_row([&](long k, int i, long x_row, Span cols) {
    const double* g = P.col(k).data() + static_cast<long>(i) * Wo;
    double* d = dx + x_row;
    if (st == 1)
      for (int j = cols.begin; j < cols.end; ++j) d[j] += g[j];
    else
      for (int j = cols.begin; j < cols.end; ++j) d[j * st] += g[j];
  });
}

void Conv2d::add_outer_col2im(const double* g, const double* w, double* dx) const {
  const int Wo = s_.out_width(), st = s_.stride;
  for_each_row([&](long k, int i, long x_row, Span cols) {
    const double* gr = g + static_cast<long>(i) * Wo;
    const double a = w[k];
    double* d = dx + x_row;
    if (st == 1)
      for (int j = cols.begin; j < cols.end; ++j) d[j] += gr[j] * a;
    else
      for (int j = cols.begin; j < cols.end; ++j) d[j * st] += gr[j] * a;
  });
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
    if (!dx) continue;
    if (s_.out_channels == 1) {  // dP = dY W is an outer product: add it without storing it
      add_outer_col2im(dy.col(n).data(), theta, dx->col(n).data());
    } else {
      dP.noalias() = dY * Wt;
      col2im(dP, dx->col(n).data());
    }
  }
}

}  // namespace hnn
