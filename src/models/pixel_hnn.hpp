// Learning from pixels (Greydanus et al. 2019, §"Learning a Hamiltonian from pixels"): an
// autoencoder maps two consecutive frames x_t = [f_t; f_{t+1}] (2·P values, P = H·W) to a latent
// state z = (z_q, z_p) and back, and a dynamics model acts on the latent:
//   pixel_hnn       f(z) = Ω ∇_z H_θ(z)   (scalar MLP H, tanh; conserves H_θ exactly)
//   pixel_baseline  f(z) = MLP_θ(z)        (the field directly, the reference's baseline)
// Encoder and decoder are ResidualMlp's (nn/residual_mlp.hpp): 2P → width → blocks → dim and
// dim → width → blocks → 2P, ReLU.
//
// The loss of one pair (x = x_t, x' = x_{t+1}), z = enc(x), z' = enc(x') (the reference's
// pixelhnn_loss, each term a mean over its entries):
//   L = (1/2P) ‖dec(z) − x‖²                         reconstruction
//     + (1/n) ‖z_p − (z'_q − z_q)‖²                  the z_p ≈ Δz_q coupling ("canonical")
//     + w_hnn · (1/dim) ‖z' − (z + f(z))‖²           one Euler step of one frame; w_hnn = 0.1
// with n = dim/2. Gradients flow through both encodings. The gradient through f = Ω∇H needs
// ∂/∂θ of ∇H (Mlp::backward_through_input_grad) and ∂/∂z of ∇H, the Hessian (Mlp::hvp).
// θ = (encoder, decoder, latent net), in that order.
#pragma once

#include "models/model.hpp"
#include "nn/mlp.hpp"
#include "nn/residual_mlp.hpp"

namespace hnn {

struct PixelSpec {
  bool hnn = true;                    // pixel_hnn (true) or pixel_baseline
  long frame_pixels = 784;            // P = H·W of one frame
  int ae_width = 200, ae_blocks = 2;  // the reference: 200, two residual blocks
  std::vector<int> hidden{200, 200};  // the latent net
  Activation act = Activation::tanh;  // the latent net's activation
  double hnn_weight = 0.1;            // w_hnn
};

// The three terms of the loss, each summed over the columns.
struct PixelLossParts {
  double reconstruction = 0, coupling = 0, dynamics = 0;
};

class PixelHnnModel : public Model {
 public:
  PixelHnnModel(int dim, const PixelSpec& spec);
  std::string kind() const override { return spec_.hnn ? "pixel_hnn" : "pixel_baseline"; }
  long n_params() const override;
  int dim() const override { return dim_; }  // the latent dimension
  void init_params(Rng& rng, VecRef theta) const override;
  std::unique_ptr<Workspace> make_workspace() const override;
  long frame_pixels() const override { return spec_.frame_pixels; }
  double frame_loss(ConstVecRef theta, ConstMatRef x, ConstMatRef x_next, Workspace& ws,
                    double* grad) const override;
  // As frame_loss, also returning the three terms (PARTS may be null).
  double frame_loss_parts(ConstVecRef theta, ConstMatRef x, ConstMatRef x_next, Workspace& ws,
                          double* grad, PixelLossParts* parts) const;

  // Not a model of states: throws ConfigError.
  double sum_squared_error(ConstVecRef theta, ConstMatRef x, ConstMatRef dxdt, Workspace& ws,
                           double* grad) const override;
  // The latent field f(z) at the columns of Z (dim × n).
  void predict_field(ConstVecRef theta, ConstMatRef z, Workspace& ws, MatRef out) const override;
  bool has_energy() const override { return spec_.hnn; }
  void energy_and_gradient(ConstVecRef theta, ConstMatRef z, Workspace& ws, MatRef h,
                           MatRef grad) const override;

  // Latents of frame pairs (2P × n → dim × n) and pairs decoded from latents.
  void encode(ConstVecRef theta, ConstMatRef x, Workspace& ws, Mat& z) const;
  void decode(ConstVecRef theta, ConstMatRef z, Workspace& ws, Mat& x) const;

  const PixelSpec& spec() const { return spec_; }

 private:
  int dim_;
  PixelSpec spec_;
  ResidualMlp enc_, dec_;
  Mlp<double> lat_;
  long off_dec() const { return enc_.n_params(); }
  long off_lat() const { return enc_.n_params() + dec_.n_params(); }
};

}  // namespace hnn
