// Philox4x32-10 against the Random123 known-answer vectors, and the stream contract.
#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.hpp"

namespace {

TEST(Philox, KnownAnswers) {
  // Known-answer vectors of Random123 (kat_vectors, philox4x32 10 rounds).
  using A4 = std::array<std::uint32_t, 4>;
  EXPECT_EQ(hnn::philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (A4{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  EXPECT_EQ(hnn::philox4x32_10({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                               {0xffffffffu, 0xffffffffu}),
            (A4{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
  EXPECT_EQ(hnn::philox4x32_10({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                               {0xa4093822u, 0x299f31d0u}),
            (A4{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

TEST(Rng, StreamsAreReproducibleAndDistinct) {
  hnn::Rng a(42, 7), b(42, 7), c(42, 8), d(43, 7);
  for (int i = 0; i < 100; ++i) {
    const double x = a.uniform();
    EXPECT_EQ(x, b.uniform());  // exact: same (seed, stream) is the same sequence
    EXPECT_NE(x, c.uniform());
    EXPECT_NE(x, d.uniform());
  }
}

TEST(Rng, UniformAndNormalMoments) {
  hnn::Rng r(1, 0);
  const int n = 200000;
  double su = 0, sn = 0, sn2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    su += u;
    const double z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  // Standard errors: 0.29/sqrt(n) = 6.5e-4 for the uniform mean, 2.2e-3 for the normal mean,
  // 3.2e-3 for the normal variance; bounds are 5 standard errors.
  EXPECT_NEAR(su / n, 0.5, 3.3e-3);
  EXPECT_NEAR(sn / n, 0.0, 1.1e-2);
  EXPECT_NEAR(sn2 / n, 1.0, 1.6e-2);
}

TEST(Rng, StateRoundTrip) {
  hnn::Rng a(5, 3);
  for (int i = 0; i < 7; ++i) a.normal();  // leaves a spare normal and a part-used block
  a.uniform();
  hnn::Rng b = hnn::Rng::from_state(a.state());
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(a.normal(), b.normal());
    EXPECT_EQ(a.uniform(), b.uniform());
  }
}

}  // namespace
