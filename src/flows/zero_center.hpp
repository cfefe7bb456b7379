// Zero-center: the part of batch normalisation that stays symplectic, a translation of phase
// space (Bondesan & Lamacraft 2019). One scalar mean for all q and one for all p (the reference).
// The data side is the physical side y; on the latent side x:
//   inverse, training:    x_q = y_q − μ_q + α,  x_p = y_p − μ_p + β,  μ = the batch means of y
//                         (over all q entries, resp. all p entries, of the columns passed in)
//   inverse, evaluation:  the same with the moving averages m_q, m_p in place of μ
//   forward (both modes): y_q = x_q − α + m_q,  y_p = x_p − β + m_p
// so forward and inverse are exact inverses in evaluation. In training the batch mean is taken
// only in the data direction (the directions are never mixed); update_moving_average then sets
// m <- decay·m + (1 − decay)·μ from the last training pass, or m <- μ for the first step of a
// run (FIRST): m starts at the first batch mean, not at 0, so its weights always sum to 1 (from
// m = 0 the average would be short by decay^k of the mean after k steps: 5% at k = 300).
// θ layout: α, β (trained), m_q, m_p (buffers: stored in θ so that checkpoints and model files
// carry them, but their gradient is always 0 — Adam then leaves them alone when weight_decay = 0).
// `hnn train` ([model] zero_center, models/flow_model.hpp): "learned" (default) runs the layer in
// evaluation mode, so with m = 0 it is a learned translation (α, β); "batch" takes μ over the
// step's whole global minibatch (all trajectories × their times, all ranks) with the gradient
// through μ (Flow::batch_inverse), and sets m after every step (the trajectories objective).
// The *_centered passes below are that global version: μ (resp. the mean ḡ of ∂L/∂x over the
// same entries) is given by the caller instead of taken over the columns passed in.
#pragma once

#include <utility>

#include "flows/layer.hpp"

namespace hnn {

class ZeroCenterLayer final : public FlowLayer {
 public:
  explicit ZeroCenterLayer(int n, double decay = 0.99);
  std::string name() const override { return "zero_center"; }
  long n_params() const override { return 4; }
  long n_buffers() const override { return 2; }  // m_q, m_p
  void init_params(Rng& rng, VecRef theta) const override;  // all zero
  std::unique_ptr<LayerCache> make_cache() const override;
  void forward(ConstVecRef theta, ConstMatRef x, MatRef y, LayerCache& c,
               FlowMode mode) const override;
  void inverse(ConstVecRef theta, ConstMatRef y, MatRef x, LayerCache& c,
               FlowMode mode) const override;
  void forward_backward(ConstVecRef theta, LayerCache& c, ConstMatRef gy, MatRef gx,
                        VecRef dtheta) const override;
  void inverse_backward(ConstVecRef theta, LayerCache& c, ConstMatRef gx, MatRef gy,
                        VecRef dtheta) const override;

  // After an inverse pass in training mode: m <- decay·m + (1 − decay)·μ of that pass (m <- μ
  // if FIRST).
  void update_moving_average(VecRef theta, const LayerCache& c, bool first = false) const;
  // m <- decay·m + (1 − decay)·(mu_q, mu_p); m <- (mu_q, mu_p) if FIRST.
  void update_moving_average(VecRef theta, double mu_q, double mu_p, bool first = false) const;
  double decay() const { return decay_; }

  // (Σ of the q entries, Σ of the p entries) of Y: the partial sums of a batch mean.
  std::pair<double, double> sums(ConstMatRef y) const;
  // Training-mode inverse with the batch means given: x = y − μ + (α, β).
  void inverse_centered(ConstVecRef theta, ConstMatRef y, MatRef x, LayerCache& c, double mu_q,
                        double mu_p) const;
  // Its backward, given the means (gbar_q, gbar_p) of ∂L/∂x over all the q (p) entries that μ
  // averaged: gy = gx − ḡ per half; dα += Σ gx_q, dβ += Σ gx_p (over the columns passed in).
  void inverse_backward_centered(LayerCache& c, ConstMatRef gx, MatRef gy, VecRef dtheta,
                                 double gbar_q, double gbar_p) const;
  // The batch means (μ_q, μ_p) of the last training-mode inverse pass.
  static std::pair<double, double> batch_mean(const LayerCache& c);

 private:
  double decay_;
};

}  // namespace hnn
