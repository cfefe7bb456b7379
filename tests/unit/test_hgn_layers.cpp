// The layers of the Hamiltonian Generative Network's encoder and decoder: nearest-neighbour
// upsampling (src/nn/upsample.*) against its definition and as the adjoint of its backward pass,
// and the reparameterised Gaussian sampler with its KL term (src/nn/gaussian_sampler.*) against
// central finite differences in μ and logvar with a fixed ε.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "nn/gaussian_sampler.hpp"
#include "nn/upsample.hpp"

namespace hnn {
namespace {

Mat normal_matrix(long r, long c, Rng& rng, double scale = 1.0) {
  Mat m(r, c);
  for (long i = 0; i < m.size(); ++i) m.data()[i] = scale * rng.normal();
  return m;
}

TEST(Upsample, ForwardMatchesTheDefinition) {
  const UpsampleShape s{2, 3, 4, 2};
  Upsample up(s);
  Rng rng(1, 0);
  const Mat x = normal_matrix(s.in_size(), 2, rng);
  Mat y;
  up.forward(x, y);
  ASSERT_EQ(y.rows(), 2 * 6 * 8);
  for (long n = 0; n < 2; ++n)
    for (int c = 0; c < 2; ++c)
      for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 8; ++j)
          EXPECT_EQ(y((c * 6 + i) * 8 + j, n), x((c * 3 + i / 2) * 4 + j / 2, n));  // a copy
}

TEST(Upsample, InputGradientMatchesCentralDifferences) {
  for (int f : {2, 3}) {
    const UpsampleShape s{3, 2, 5, f};
    Upsample up(s);
    Rng rng(2, 0);
    const Mat x = normal_matrix(s.in_size(), 2, rng), C = normal_matrix(s.out_size(), 2, rng);
    Mat dx = Mat::Zero(x.rows(), x.cols());
    up.backward(C, dx);
    // L = Σ C ⊙ up(x) is linear in x: the central difference is exact up to round-off (~1e-12).
    auto L = [&](const Mat& xx) {
      Mat yy;
      up.forward(xx, yy);
      return (C.array() * yy.array()).sum();
    };
    const double h = 1e-3;
    double err = 0, scale = 0;
    for (long j = 0; j < x.size(); ++j) {
      Mat xp = x, xm = x;
      xp.data()[j] += h;
      xm.data()[j] -= h;
      err = std::max(err, std::abs((L(xp) - L(xm)) / (2 * h) - dx.data()[j]));
      scale = std::max(scale, std::abs(dx.data()[j]));
    }
    EXPECT_LT(err / scale, 1e-9) << "factor " << f;
  }
}

TEST(Upsample, RejectsWrongSizes) {
  EXPECT_THROW(Upsample(UpsampleShape{0, 2, 2, 2}), ConfigError);
  Upsample up(UpsampleShape{1, 2, 2, 2});
  Mat y;
  EXPECT_THROW(up.forward(Mat::Zero(5, 1), y), ConfigError);
}

TEST(GaussianSampler, SampleAndKlMatchTheirFormulas) {
  Mat mu(2, 1), lv(2, 1), eps(2, 1), z;
  mu << 0.5, -1.0;
  lv << std::log(4.0), 0.0;
  eps << 1.0, -2.0;
  gaussian_sample(mu, lv, eps, z);
  EXPECT_NEAR(z(0, 0), 0.5 + 2.0, 1e-15);
  EXPECT_NEAR(z(1, 0), -1.0 - 2.0, 1e-15);
  // ½[(0.25 + 4 − 1 − ln 4) + (1 + 1 − 1 − 0)]
  EXPECT_NEAR(gaussian_kl(mu, lv), 0.5 * (3.25 - std::log(4.0) + 1.0), 1e-15);
  // KL of the prior itself is 0.
  EXPECT_EQ(gaussian_kl(Mat::Zero(3, 2), Mat::Zero(3, 2)), 0.0);
  EXPECT_THROW(gaussian_sample(mu, lv, Mat::Zero(3, 1), z), ConfigError);
}

TEST(GaussianSampler, GradientsMatchCentralDifferences) {
  Rng rng(3, 0);
  const long d = 4, B = 3;
  const Mat mu = normal_matrix(d, B, rng), lv = normal_matrix(d, B, rng, 0.5),
            eps = normal_matrix(d, B, rng), C = normal_matrix(d, B, rng);
  const double w = 0.7;
  // L = Σ C ⊙ z(μ, logvar; ε) + w·KL(μ, logvar): nonlinear (exp), so FD error ~ h²·L''' ~ 1e-9.
  auto L = [&](const Mat& m, const Mat& l) {
    Mat z;
    gaussian_sample(m, l, eps, z);
    return (C.array() * z.array()).sum() + w * gaussian_kl(m, l);
  };
  Mat dmu = Mat::Zero(d, B), dlv = Mat::Zero(d, B);
  gaussian_sample_backward(lv, eps, C, dmu, dlv);
  gaussian_kl_backward(mu, lv, w, dmu, dlv);
  const double h = 1e-5;
  double err = 0, scale = 0;
  for (long j = 0; j < mu.size(); ++j) {
    Mat p = mu, m = mu;
    p.data()[j] += h;
    m.data()[j] -= h;
    err = std::max(err, std::abs((L(p, lv) - L(m, lv)) / (2 * h) - dmu.data()[j]));
    scale = std::max(scale, std::abs(dmu.data()[j]));
    p = lv;
    m = lv;
    p.data()[j] += h;
    m.data()[j] -= h;
    err = std::max(err, std::abs((L(mu, p) - L(mu, m)) / (2 * h) - dlv.data()[j]));
    scale = std::max(scale, std::abs(dlv.data()[j]));
  }
  EXPECT_LT(err / scale, 1e-8);
}

}  // namespace
}  // namespace hnn
