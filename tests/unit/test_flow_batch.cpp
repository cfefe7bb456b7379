// zero_center in batch mode ([model] zero_center = "batch", Flow::batch_inverse): the means are
// taken over every q (p) entry of every trajectory of the batch, which couples the trajectories,
// and the gradient goes through them. The gradient of the whole batch loss against central
// finite differences (every θ entry perturbed, the whole batch recomputed), the invariance of the
// latents under a constant shift of the data, one unit = the per-matrix training mode, and the
// [model] / [objective] checks.
//
// Finite differences as in test_flows.cpp: the 4-point stencil with h = 1e-3, ~1e-12 error on
// O(1) derivatives; the bound 1e-8 (relative to the largest gradient entry) sits far below the
// O(1) error of a missing mean-gradient term.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "flows/action_loss.hpp"
#include "flows/flow.hpp"
#include "io/config.hpp"
#include "models/flow_model.hpp"

namespace hnn {
namespace {

constexpr int kN = 2;  // degrees of freedom
constexpr double kH = 1e-3;

double stencil(const std::function<double(double)>& f) {
  return (8 * (f(kH) - f(-kH)) - (f(2 * kH) - f(-2 * kH))) / (12 * kH);
}

FlowModel model_from(const std::string& toml) {
  const Config cfg = Config::from_string("[model]\nkind = \"flow\"\n" + toml);
  return FlowModel(cfg.section("model"), 2 * kN);
}

// Initial θ plus N(0, 0.3²) on every entry (buffers included: batch mode must not read them).
Vec random_theta(const FlowModel& m, Rng& rng) {
  Vec th(m.n_params());
  m.init_params(rng, th);
  for (long i = 0; i < th.size(); ++i) th[i] += 0.3 * rng.normal();
  return th;
}

// Trajectories of unequal lengths whose q and p entries have means far from 0 (3 and −2), so
// that the centring matters.
std::vector<Mat> batch_data(Rng& rng, const std::vector<long>& lengths) {
  std::vector<Mat> xs;
  for (long tau : lengths) {
    Mat x(2 * kN, tau);
    for (long i = 0; i < x.size(); ++i) x.data()[i] = rng.normal();
    x.topRows(kN).array() += 3.0;
    x.bottomRows(kN).array() -= 2.0;
    xs.push_back(x);
  }
  return xs;
}

const char* kTwoCenters =
    "layers = \"zero_center linear coupling_p zero_center coupling_q\"\nhidden = [8]\n"
    "zero_center = \"batch\"";

TEST(FlowBatch, GradientByFiniteDifferencesOfTheWholeBatch) {
  // Two zero_center layers, linear and coupling layers, n = 2, 3 trajectories of 5, 7, 4 times.
  const FlowModel m = model_from(kTwoCenters);
  ASSERT_TRUE(m.batch_zero_center());
  Rng rng(31, 0);
  const Vec th = random_theta(m, rng);
  const auto xs = batch_data(rng, {5, 7, 4});
  for (const bool relative : {false, true}) {  // the action loss ℓ, then ℓ_rel
    Flow::BatchCache c;
    auto loss = [&](const Vec& t) {
      Flow::BatchCache cc;
      return m.trajectory_batch_loss(t, xs, Flow::sum_in_order, cc, nullptr, relative);
    };
    Vec g = Vec::Zero(m.n_params());
    const double l = m.trajectory_batch_loss(th, xs, Flow::sum_in_order, c, g.data(), relative);
    EXPECT_DOUBLE_EQ(l, loss(th));
    const auto buffer = m.flow().buffer_mask();
    double err = 0;
    for (long i = 0; i < th.size(); ++i) {
      if (buffer[static_cast<std::size_t>(i)]) {
        EXPECT_EQ(g[i], 0.0) << "a buffer has a gradient";
        continue;
      }
      const double fd = stencil([&](double h) {
        Vec t = th;
        t[i] += h;
        return loss(t);
      });
      err = std::max(err, std::abs(fd - g[i]));
    }
    const double rel = err / std::max(1.0, g.cwiseAbs().maxCoeff());
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2e", rel);
    RecordProperty(relative ? "batch_relative_grad_err" : "batch_grad_err", buf);
    EXPECT_LT(rel, 1e-8);
  }
  Flow::BatchCache c;
  const double l = m.trajectory_batch_loss(th, xs, Flow::sum_in_order, c, nullptr);
  // The means couple the trajectories: the batch loss is not the sum of per-trajectory
  // training-mode losses (each centred on its own mean).
  double separate = 0;
  for (const auto& x : xs) {
    Flow::BatchCache cc;
    separate += m.trajectory_batch_loss(th, {x}, Flow::sum_in_order, cc, nullptr);
  }
  EXPECT_GT(std::abs(separate - l), 1e-6 * std::abs(l));
}

TEST(FlowBatch, BitwiseIndependentOfTheThreadCount) {
  // OpenMP over units, every sum in unit order: 1 and 3 threads give the same bits.
  const FlowModel m = model_from(kTwoCenters);
  Rng rng(35, 0);
  const Vec th = random_theta(m, rng);
  const auto xs = batch_data(rng, {5, 7, 4, 6, 3});
  const int before = omp_get_max_threads();
  std::vector<Vec> g;
  std::vector<double> l;
  for (int threads : {1, 3}) {
    omp_set_num_threads(threads);
    Flow::BatchCache c;
    g.push_back(Vec::Zero(m.n_params()));
    l.push_back(m.trajectory_batch_loss(th, xs, Flow::sum_in_order, c, g.back().data()));
  }
  omp_set_num_threads(before);
  EXPECT_EQ(l[0], l[1]);
  EXPECT_TRUE(g[0] == g[1]);
}

TEST(FlowBatch, OneUnitIsTheTrainingModeInverse) {
  // A batch of one matrix: the same means as Flow::inverse in FlowMode::train (bitwise equal up
  // to the order of the mean's sum: 1e-13).
  const FlowModel m = model_from(kTwoCenters);
  Rng rng(32, 0);
  const Vec th = random_theta(m, rng);
  const auto xs = batch_data(rng, {9});
  Flow::BatchCache c;
  std::vector<Mat> z;
  m.flow().batch_inverse(th.head(m.flow().n_params()), xs, z, c, Flow::sum_in_order);
  auto fc = m.flow().make_cache();
  Mat z1(2 * kN, 9);
  m.flow().inverse(th.head(m.flow().n_params()), xs[0], z1, fc, FlowMode::train);
  EXPECT_LT((z[0] - z1).cwiseAbs().maxCoeff(), 1e-13);
}

TEST(FlowBatch, LatentsInvariantUnderAConstantShiftOfTheData) {
  // One zero_center layer on the data side: adding c_q to every q entry and c_p to every p entry
  // of every trajectory moves the batch means by exactly that, so the latents do not change
  // (to rounding, 1e-12 on entries O(10)). In evaluation mode (moving averages) they do.
  const FlowModel m = model_from(
      "layers = \"linear coupling_p coupling_q zero_center\"\nhidden = [8]\n"
      "zero_center = \"batch\"");
  Rng rng(33, 0);
  const Vec th = random_theta(m, rng);
  const Vec tf = th.head(m.flow().n_params());
  const auto xs = batch_data(rng, {6, 3, 8});
  auto shifted = xs;
  for (auto& x : shifted) {
    x.topRows(kN).array() += 1.75;
    x.bottomRows(kN).array() -= 0.5;
  }
  Flow::BatchCache c;
  std::vector<Mat> z, zs;
  m.flow().batch_inverse(tf, xs, z, c, Flow::sum_in_order);
  const std::vector<double> mu = c.mu;
  m.flow().batch_inverse(tf, shifted, zs, c, Flow::sum_in_order);
  for (std::size_t u = 0; u < xs.size(); ++u)
    EXPECT_LT((z[u] - zs[u]).cwiseAbs().maxCoeff(), 1e-12) << "unit " << u;
  // The last layer (3) holds the means; they moved by the shift.
  EXPECT_NEAR(c.mu[6] - mu[6], 1.75, 1e-12);
  EXPECT_NEAR(c.mu[7] - mu[7], -0.5, 1e-12);
  auto fc = m.flow().make_cache();
  Mat e(2 * kN, 6), es(2 * kN, 6);
  m.flow().inverse(tf, xs[0], e, fc, FlowMode::eval);
  m.flow().inverse(tf, shifted[0], es, fc, FlowMode::eval);
  EXPECT_GT((e - es).cwiseAbs().maxCoeff(), 0.1);
}

TEST(FlowBatch, MovingAverageKnownAnswer) {
  // After one update from m = 0 with decay d: m = (1 − d)·μ; a second: d(1 − d)μ + (1 − d)μ';
  // a first-step update: m = μ.
  const FlowModel m = model_from(
      "layers = \"linear zero_center coupling_p zero_center\"\nhidden = [4]\n"
      "zero_center = \"batch\"\ndecay = 0.75");
  Rng rng(34, 0);
  Vec th = random_theta(m, rng);
  for (int i : {1, 3}) th.segment(m.flow().offset(i) + 2, 2).setZero();
  const auto xs = batch_data(rng, {4, 5});
  Flow::BatchCache c;
  std::vector<Mat> z;
  m.flow().batch_inverse(th.head(m.flow().n_params()), xs, z, c, Flow::sum_in_order);
  // The data-side layer's μ is the plain mean of the data: q entries 3 + noise, p −2 + noise.
  double sq = 0, sp = 0;
  for (const auto& x : xs) {
    sq += x.topRows(kN).sum();
    sp += x.bottomRows(kN).sum();
  }
  EXPECT_NEAR(c.mu[6], sq / (kN * 9.0), 1e-14);
  EXPECT_NEAR(c.mu[7], sp / (kN * 9.0), 1e-14);
  Vec t1 = th;
  m.flow().update_moving_averages(t1.head(m.flow().n_params()), c.mu);
  for (int i : {1, 3}) {
    const long o = m.flow().offset(i);
    EXPECT_DOUBLE_EQ(t1[o + 2], 0.25 * c.mu[2 * i]);
    EXPECT_DOUBLE_EQ(t1[o + 3], 0.25 * c.mu[2 * i + 1]);
    EXPECT_EQ(t1.segment(o, 2), th.segment(o, 2));  // α, β untouched
  }
  const auto mu1 = c.mu;
  Vec t2 = t1;
  m.flow().update_moving_averages(t2.head(m.flow().n_params()), mu1);
  EXPECT_DOUBLE_EQ(t2[m.flow().offset(3) + 2], 0.75 * 0.25 * mu1[6] + 0.25 * mu1[6]);
  // The first step of a run starts the averages at its means, whatever θ held: m = μ exactly.
  Vec t3 = t2;
  m.flow().update_moving_averages(t3.head(m.flow().n_params()), c.mu, true);
  for (int i : {1, 3}) {
    const long o = m.flow().offset(i);
    EXPECT_EQ(t3[o + 2], c.mu[2 * i]);
    EXPECT_EQ(t3[o + 3], c.mu[2 * i + 1]);
    EXPECT_EQ(t3.segment(o, 2), th.segment(o, 2));
  }
}

TEST(FlowBatch, ConfigChecks) {
  EXPECT_FALSE(model_from("layers = \"zero_center linear\"").batch_zero_center());  // default
  EXPECT_THROW(model_from("layers = \"zero_center linear\"\nzero_center = \"batchnorm\""),
               ConfigError);
  EXPECT_THROW(model_from("layers = \"linear coupling_p\"\nzero_center = \"batch\""), ConfigError);
}

}  // namespace
}  // namespace hnn
