// The convolution layer (src/nn/conv2d.*): forward against a direct loop over the definition,
// the parameter and input gradients against central differences (stride 1 and 2, with and
// without padding, odd and even kernels, an image that is not square), and im2col / col2im as
// adjoints (⟨P(x), Q⟩ = ⟨x, P*(Q)⟩).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/rng.hpp"
#include "nn/conv2d.hpp"

namespace hnn {
namespace {

std::string sci(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2e", x);
  return buf;
}

Mat normal_matrix(long r, long c, Rng& rng) {
  Mat m(r, c);
  for (long i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
  return m;
}

// y[o, i, j] by the formula in conv2d.hpp, one term at a time.
double direct(const Conv2dShape& s, const Vec& th, const double* x, int o, int i, int j) {
  const int K = s.kernel;
  const long nw = static_cast<long>(s.out_channels) * s.in_channels * K * K;
  double y = th[nw + o];
  for (int c = 0; c < s.in_channels; ++c)
    for (int u = 0; u < K; ++u)
      for (int v = 0; v < K; ++v) {
        const int yy = i * s.stride + u - s.pad, xx = j * s.stride + v - s.pad;
        if (yy < 0 || yy >= s.height || xx < 0 || xx >= s.width) continue;
        y += th[o + s.out_channels * ((c * K + u) * K + v)] * x[(c * s.height + yy) * s.width + xx];
      }
  return y;
}

const Conv2dShape kShapes[] = {
    {2, 5, 6, 3, 3, 1, 1},  // C 2, 5×6, 3 filters 3×3, stride 1, pad 1 ("same")
    {2, 7, 7, 3, 3, 2, 0},  // stride 2, no padding
    {1, 8, 8, 2, 4, 2, 1},  // even kernel (the HGN's 4×4 stride-2 pattern)
    {3, 9, 11, 2, 5, 3, 2},  // 9×11, 5×5 kernel, stride 3, pad 2: rows and columns clipped unevenly
    {8, 12, 10, 1, 3, 1, 1},  // the pattern of the HGN's last decoder layer (c → 1, 3×3, same)
};

TEST(Conv, ForwardMatchesTheDefinition) {
  for (const auto& s : kShapes) {
    Conv2d conv(s);
    Rng rng(1, 0);
    Vec th(conv.n_params());
    for (long i = 0; i < th.size(); ++i) th[i] = rng.normal();
    const Mat x = normal_matrix(s.in_size(), 2, rng);
    Mat y;
    conv.forward(th.data(), x, y);
    ASSERT_EQ(y.rows(), s.out_size());
    double err = 0;
    for (long n = 0; n < 2; ++n)
      for (int o = 0; o < s.out_channels; ++o)
        for (int i = 0; i < s.out_height(); ++i)
          for (int j = 0; j < s.out_width(); ++j)
            err = std::max(err, std::abs(y(((o * s.out_height()) + i) * s.out_width() + j, n) -
                                         direct(s, th, x.col(n).data(), o, i, j)));
    EXPECT_LT(err, 1e-13);  // sums of ≤ 75 terms of size ~1 in another order: round-off
  }
}

TEST(Conv, GradientsMatchCentralDifferences) {
  for (const auto& s : kShapes) {
    Conv2d conv(s);
    Rng rng(2, 0);
    Vec th(conv.n_params());
    for (long i = 0; i < th.size(); ++i) th[i] = rng.normal();
    const Mat x = normal_matrix(s.in_size(), 2, rng), C = normal_matrix(s.out_size(), 2, rng);
    // L = Σ C ⊙ conv(x) is linear in θ and in x, so a central difference is exact up to
    // round-off: eps·|L|/h with |L| ~ 30, h = 1e-3 ⇒ ~1e-11 against gradients of size ~5.
    Vec g = Vec::Zero(th.size());
    Mat dx = Mat::Zero(x.rows(), x.cols()), y;
    conv.forward(th.data(), x, y);
    conv.backward(th.data(), x, C, g.data(), &dx);
    auto L = [&](const Vec& t, const Mat& xx) {
      Mat yy;
      conv.forward(t.data(), xx, yy);
      return (C.array() * yy.array()).sum();
    };
    const double h = 1e-3;
    double err = 0, scale = 0;
    for (long j = 0; j < th.size(); ++j) {
      Vec tp = th, tm = th;
      tp[j] += h;
      tm[j] -= h;
      err = std::max(err, std::abs((L(tp, x) - L(tm, x)) / (2 * h) - g[j]));
      scale = std::max(scale, std::abs(g[j]));
    }
    for (long j = 0; j < x.size(); ++j) {
      Mat xp = x, xm = x;
      xp.data()[j] += h;
      xm.data()[j] -= h;
      err = std::max(err, std::abs((L(th, xp) - L(th, xm)) / (2 * h) - dx.data()[j]));
      scale = std::max(scale, std::abs(dx.data()[j]));
    }
    RecordProperty("fd_rel_error_k" + std::to_string(s.kernel) + "_s" + std::to_string(s.stride),
                   sci(err / scale));
    EXPECT_LT(err / scale, 1e-9);
  }
}

TEST(Conv, Col2imIsTheAdjointOfIm2col) {
  for (const auto& s : kShapes) {
    Conv2d conv(s);
    Rng rng(3, 0);
    const Vec x = normal_matrix(s.in_size(), 1, rng);
    Mat P;
    conv.im2col(x.data(), P);
    const Mat Q = normal_matrix(P.rows(), P.cols(), rng);
    Vec back = Vec::Zero(x.size());
    conv.col2im(Q, back.data());
    const double lhs = (P.array() * Q.array()).sum(), rhs = x.dot(back);
    EXPECT_NEAR(lhs, rhs, 1e-12 * std::max(1.0, std::abs(lhs)));  // round-off of ~300 terms
  }
}

}  // namespace
}  // namespace hnn
