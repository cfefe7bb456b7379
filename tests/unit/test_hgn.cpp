// The Hamiltonian Generative Network model (src/models/hgn.*): the gradient of the whole rollout
// loss (encoder, reparameterised sample with fixed noise, KL, leapfrog through the learned H,
// decoder) against central differences on a tiny instance; the loss parts against their
// definitions; the registry's checks of the [model] keys.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "io/config.hpp"
#include "models/hgn.hpp"
#include "models/registry.hpp"

namespace hnn {
namespace {

HgnSpec tiny() {
  HgnSpec s;
  s.frame_pixels = 64;  // 8×8
  s.input_frames = 2;
  s.rollout = 4;
  s.latent_dof = 1;
  s.enc_channels = {2, 3};
  s.dec_channels = 2;
  s.dec_hidden = {5, 4};
  s.hidden = {6};
  s.act = Activation::softplus;  // smooth: central differences need no kinks
  s.dt = 0.3;
  return s;
}

// The tiny HGN, its parameters initialised from Rng(SEED, 0) and 3 rollouts of uniform random
// frames drawn after them.
struct TinyCase {
  HgnModel m{tiny()};
  Vec th;
  Mat frames;
  explicit TinyCase(std::uint64_t seed) : th(m.n_params()), frames(64 * 4, 3) {
    Rng rng(seed, 0);
    m.init_params(rng, th);
    for (long i = 0; i < frames.size(); ++i) frames.data()[i] = rng.uniform();
  }
};

TEST(Hgn, RolloutLossGradientMatchesCentralDifferences) {
  const HgnModel m(tiny());
  Rng rng(7, 0);
  Vec th(m.n_params());
  m.init_params(rng, th);
  // Larger H weights than the init, so the leapfrog moves the latent visibly.
  for (long i = 0; i < th.size(); ++i) th[i] += 0.1 * rng.normal();
  const long B = 2;
  Mat frames(64 * 4, B), eps(2, B);
  for (long i = 0; i < frames.size(); ++i) frames.data()[i] = rng.uniform();
  for (long i = 0; i < eps.size(); ++i) eps.data()[i] = rng.normal();
  auto ws = m.make_workspace();
  for (const bool sampled : {true, false}) {
    const Mat e = sampled ? eps : Mat();
    const double w = 0.3;
    Vec g = Vec::Zero(th.size());
    Model::RolloutParts parts;
    const double L0 = m.rollout_loss(th, frames, e, w, *ws, g.data(), &parts);
    EXPECT_NEAR(L0, parts.reconstruction + w * parts.kl, 1e-14 * std::abs(L0));
    const double h = 1e-5;
    double err = 0, scale = 0;
    for (long j = 0; j < th.size(); ++j) {
      Vec p = th, q = th;
      p[j] += h;
      q[j] -= h;
      const double fd = (m.rollout_loss(p, frames, e, w, *ws, nullptr, nullptr) -
                         m.rollout_loss(q, frames, e, w, *ws, nullptr, nullptr)) /
                        (2 * h);
      err = std::max(err, std::abs(fd - g[j]));
      scale = std::max(scale, std::abs(fd));
    }
    EXPECT_GT(scale, 1e-3);
    EXPECT_LT(err / scale, 1e-6) << (sampled ? "sampled" : "posterior mean");
  }
}

TEST(Hgn, ReconstructionIsThePixelMseOfTheDecodedRollout) {
  const TinyCase c(8);
  const auto& [m, th, frames] = c;
  auto ws = m.make_workspace();
  Mat out;
  m.predict_rollout(th, frames, Mat(), *ws, out);
  Model::RolloutParts parts;
  m.rollout_loss(th, frames, Mat(), 0.0, *ws, nullptr, &parts);
  EXPECT_NEAR(parts.reconstruction, (out - frames).squaredNorm() / (64.0 * 4.0),
              1e-13 * parts.reconstruction);
  EXPECT_GT(out.minCoeff(), 0.0);  // sigmoid output
  EXPECT_LT(out.maxCoeff(), 1.0);
}

// latent_rollout (the refined rollout of `hnn evaluate`): one substep is the model's own latent
// rollout, bit for bit; more substeps converge to the exact flow of H_θ, which conserves it.
// Measured on this non-separable H_θ: the state error against 256 substeps falls by 2.02-2.07×
// per doubling, the excursion of H_θ by 1.96-1.99× (first order: the explicit half-kick takes
// ∂H/∂q at p, not at p½; on a separable H the step is second order, LatentLeapfrog.*).
TEST(Hgn, LatentRolloutRefinesTheModelsOwnRollout) {
  const TinyCase c(9);
  const auto& [m, th, frames] = c;
  auto ws = m.make_workspace();
  Mat out, z, zs;
  m.predict_rollout(th, frames, Mat(), *ws, out, &z);
  ASSERT_EQ(z.rows(), 2);
  ASSERT_EQ(z.cols(), 3 * 4);
  Mat x0(2, 3);
  for (long b = 0; b < 3; ++b) x0.col(b) = z.col(b * 4);
  m.latent_rollout(th, x0, 1, zs);
  EXPECT_EQ(zs, z);
  x0 *= 3.0;  // wider states: visible step errors
  Mat ref, h(1, 12), g(2, 12);
  m.latent_rollout(th, x0, 256, ref);
  double prev = 0, prev_h = 0;
  for (int s : {2, 4, 8, 16}) {
    Mat zk;
    m.latent_rollout(th, x0, s, zk);
    const double err = (zk - ref).cwiseAbs().maxCoeff();
    m.energy_and_gradient(th, zk, *ws, h, g);
    double dh = 0;
    for (long b = 0; b < 3; ++b)
      dh = std::max(dh, (h.middleCols(b * 4, 4).array() - h(0, b * 4)).abs().maxCoeff());
    if (prev > 0) {
      EXPECT_GT(prev / err, 1.7) << s << " substeps";
      EXPECT_GT(prev_h / dh, 1.5) << s << " substeps";
    }
    prev = err;
    prev_h = dh;
  }
  EXPECT_GT(prev, 0.0);
}

TEST(Hgn, RejectsInconsistentSizes) {
  HgnSpec s = tiny();
  s.frame_pixels = 36;  // 6×6: not divisible by 4
  EXPECT_THROW(HgnModel{s}, ConfigError);
  s = tiny();
  s.rollout = 1;  // fewer than input_frames
  EXPECT_THROW(HgnModel{s}, ConfigError);
  const HgnModel m(tiny());
  Vec th = Vec::Zero(m.n_params());
  auto ws = m.make_workspace();
  EXPECT_THROW(m.rollout_loss(th, Mat::Zero(64 * 3, 1), Mat(), 1.0, *ws, nullptr, nullptr),
               ConfigError);
  EXPECT_THROW(m.rollout_loss(th, Mat::Zero(64 * 4, 1), Mat::Zero(3, 1), 1.0, *ws, nullptr, nullptr),
               ConfigError);
}

TEST(Hgn, RegistryBuildsItAndRejectsBadKeys) {
  auto cfg = Config::from_string(
      "[model]\nkind = \"hgn\"\nlatent_dof = 2\ninput_frames = 3\nrollout = 10\n"
      "enc_channels = [4, 8]\ndec_channels = 4\nhidden = [16]\n");
  auto m = make_model(cfg.section("model"), 2, 1024);
  EXPECT_EQ(m->kind(), "hgn");
  EXPECT_EQ(m->dim(), 4);
  EXPECT_EQ(m->rollout_length(), 10);
  EXPECT_TRUE(m->trains_on_rollouts());
  EXPECT_FALSE(m->trains_on_frames());
  auto bad = Config::from_string("[model]\nkind = \"hgn\"\nrollout = 0\n");
  EXPECT_THROW(make_model(bad.section("model"), 2, 1024), ConfigError);
  auto no_frames = Config::from_string("[model]\nkind = \"hgn\"\n");
  EXPECT_THROW(make_model(no_frames.section("model"), 2, 0), ConfigError);
}

}  // namespace
}  // namespace hnn
