// The Hamiltonian Generative Network (Toth et al. 2019, arXiv:1909.13789), at the scale of this
// code: a variational autoencoder over a rollout of T frames whose latent state moves by leapfrog
// steps of a learned Hamiltonian.
//   encoder   the first K frames stacked as K channels (K × S × S) → Conv2d(4×4, stride 2, pad 1)
//             → σ → Conv2d(4×4, stride 2, pad 1) → σ → dense → (μ, logvar), each of size 2n
//   posterior z = μ + exp(½ logvar) ⊙ ε (nn/gaussian_sampler.hpp); z = (q, p) = x_0
//   dynamics  x_{t+1} = leapfrog step of size dt of H_θ (models/latent_leapfrog.hpp), H_θ a
//             softplus MLP 2n → hidden → 1 (smooth, so its Hessian exists)
//   decoder   each frame from q_t alone: dense n → dec_hidden (σ each) → c·(S/4)² → σ → upsample ×2 → Conv2d(3×3,
//             pad 1) c → c → σ → upsample ×2 → Conv2d(3×3, pad 1) c → 1 → sigmoid
// The latent is a vector (q, p ∈ ℝⁿ), not the paper's 16×4×4 spatial tensor: at 32×32 frames and
// a few thousand rollouts this keeps the cost down; the Hamiltonian and integrator are the same.
//
// Loss of one rollout (column) with frames f_0..f_{T−1} (each P = S² pixels), x̂_t = dec(q_t):
//   R  = (1/(T·P)) Σ_t ‖x̂_t − f_t‖²          (the paper's metric: pixel MSE over the rollout)
//   KL = ½ Σ_i (μ_i² + exp(logvar_i) − 1 − logvar_i)
//   L  = R + w·KL, with w set by the objective (GECO, train/objective.hpp).
// Initialisation: Glorot-uniform convolutions and dense layers with zero biases, except the
// logvar bias, ln 0.1² (posterior σ = 0.1 at the start, so the sampled q is not mostly noise);
// H orthogonal (the HNN's init). (With a KL weight of 1 on R, a per-pixel mean, the posterior
// collapsed to the prior within 100 steps and the decoder settled on the mean frame: train with
// kl_weight ≈ 1/(T·P), inputs/train_hgn_spring.toml.)
// The dec_hidden layers are ours: a vector latent has no spatial layout for the decoder's convs
// to build on, and one dense layer gives only ramps of q per feature.
// θ layout: conv1, conv2, encoder dense (W, b), H (Mlp layout), decoder dense layers (W, b each), conv3,
// conv4 (each Conv2d's own layout: W then b).
#pragma once

#include <vector>

#include "models/model.hpp"
#include "nn/activation.hpp"
#include "nn/conv2d.hpp"
#include "nn/mlp.hpp"
#include "nn/upsample.hpp"

namespace hnn {

struct HgnSpec {
  long frame_pixels = 1024;           // P = S·S; S divisible by 4
  int input_frames = 5;               // K, frames seen by the encoder
  int rollout = 30;                   // T, frames per unit (the rollout decodes all of them)
  int latent_dof = 4;                 // n: q, p ∈ ℝⁿ
  std::vector<int> enc_channels{16, 32};
  int dec_channels = 16;              // c
  std::vector<int> dec_hidden{128};   // dense layers (σ) between q and the c·(S/4)² feature map
  std::vector<int> hidden{64, 64};    // H's hidden widths (softplus)
  Activation act = Activation::relu;  // σ of encoder and decoder
  double dt = 0.1;                    // leapfrog step per frame
};

class HgnModel : public Model {
 public:
  explicit HgnModel(const HgnSpec& spec);  // throws ConfigError on inconsistent sizes
  std::string kind() const override { return "hgn"; }
  long n_params() const override;
  int dim() const override { return 2 * spec_.latent_dof; }
  void init_params(Rng& rng, VecRef theta) const override;
  std::unique_ptr<Workspace> make_workspace() const override;
  long frame_pixels() const override { return spec_.frame_pixels; }
  long rollout_length() const override { return spec_.rollout; }
  long noise_dim() const override { return dim(); }
  double rollout_loss(ConstVecRef theta, ConstMatRef frames, ConstMatRef eps, double kl_weight,
                      Workspace& ws, double* grad, RolloutParts* parts) const override;

  // Not a model of states: throws ConfigError.
  double sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt, Workspace& ws,
                           double* grad) const override;
  // The latent field Ω∇H_θ and the learned H at the columns of Z (dim × n).
  void predict_field(ConstVecRef theta, ConstMatRef z, Workspace& ws, MatRef out) const override;
  bool has_energy() const override { return true; }
  void energy_and_gradient(ConstVecRef theta, ConstMatRef z, Workspace& ws, MatRef h,
                           MatRef grad) const override;

  // The decoded rollouts (P·T × n, as FRAMES) from the posterior mean (EPS empty) or a sample;
  // LATENT, when not null, gets the latent states x_t = (q_t, p_t) of the rollouts
  // (dim × n·T, column b·T + t is time t of rollout b).
  void predict_rollout(ConstVecRef theta, ConstMatRef frames, ConstMatRef eps, Workspace& ws,
                       Mat& out, Mat* latent = nullptr) const;

  // Latent rollouts from X0 (dim × B) by SUBSTEPS leapfrog steps of dt/SUBSTEPS per frame (the
  // model's own rollout is SUBSTEPS = 1): the states at the T frame times, laid out as
  // predict_rollout's LATENT.
  void latent_rollout(ConstVecRef theta, const Mat& x0, int substeps, Mat& latent) const;

  const HgnSpec& spec() const { return spec_; }

 private:
  HgnSpec spec_;
  int side_;  // S
  Conv2d conv1_, conv2_, conv3_, conv4_;
  Upsample up1_, up2_;
  Mlp<double> h_;
  long enc_in_, enc_out_, dec_out_;  // encoder dense: enc_in_ → enc_out_ (= 2·dim); decoder n → dec_out_
  // Offsets into θ.
  long o_conv2_, o_enc_, o_h_, o_dec_, o_conv3_, o_conv4_, n_;
  std::vector<int> dec_sizes_;  // n, dec_hidden..., c·(S/4)²
  std::vector<long> dec_off_;   // offset of each decoder dense layer (W, then b)

  struct Forward;
  void forward(ConstVecRef theta, ConstMatRef frames, ConstMatRef eps, Workspace& ws) const;
};

}  // namespace hnn
