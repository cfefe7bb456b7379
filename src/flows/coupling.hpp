// Symplectic additive coupling with an irrotational shift from a generating function:
//   coupling_p:  Q = q,                P = p + ∇F(q) + c
//   coupling_q:  Q = q + ∇F(p) + c,    P = p
// F is a scalar MLP R^n -> R (nn/mlp.hpp) and c ∈ R^n a constant shift (the reference's b3). The
// shift μ = ∇F + c has the symmetric Jacobian ∇²F, which is exactly the condition for the
// shear to be canonical (Bondesan & Lamacraft, eq. of the additive coupling); any scalar F works,
// so the layer is the generating-function coupling F₂(q, P) = q·P − F(q) − c·q. Inverse: subtract
// the same shift, evaluated on the unchanged half.
// Backward passes use the exact second derivatives of the MLP: the input VJP needs ∇²F·g
// (Mlp::hvp_after_forward, on the pass's own forward), the parameter gradient ∂(g·∇F)/∂θ
// (Mlp::backward_through_input_grad).
// θ layout: θ_F (Mlp layout), then c (n).
#pragma once

#include "flows/layer.hpp"
#include "nn/mlp.hpp"

namespace hnn {

class CouplingLayer final : public FlowLayer {
 public:
  enum class Shift { p, q };  // which half is shifted: p <- p + μ(q), or q <- q + μ(p)

  // HIDDEN: hidden widths of F (sizes (n, hidden..., 1)); ACT needs a second derivative; INIT one
  // of the nn/init.hpp schemes (the last layer's weights are then multiplied by INIT_SCALE, so a
  // small value starts the layer near the identity).
  CouplingLayer(int n, Shift shift, std::vector<int> hidden, Activation act = Activation::tanh,
                std::string init = "glorot_normal", double init_scale = 1.0);
  std::string name() const override { return shift_ == Shift::p ? "coupling_p" : "coupling_q"; }
  long n_params() const override { return net_.n_params() + n_; }
  void init_params(Rng& rng, VecRef theta) const override;
  std::unique_ptr<LayerCache> make_cache() const override;
  void forward(ConstVecRef theta, ConstMatRef x, MatRef y, LayerCache& c,
               FlowMode mode) const override;
  void inverse(ConstVecRef theta, ConstMatRef y, MatRef x, LayerCache& c,
               FlowMode mode) const override;
  void forward_backward(ConstVecRef theta, LayerCache& c, ConstMatRef gy, MatRef gx,
                        VecRef dtheta) const override;
  void inverse_backward(ConstVecRef theta, LayerCache& c, ConstMatRef gx, MatRef gy,
                        VecRef dtheta) const override;

  const MlpD& net() const { return net_; }

 private:
  Shift shift_;
  std::string init_;
  double init_scale_;
  MlpD net_;
  // Row offsets of the shifted half (a) and of the argument of F (b).
  int a0() const { return shift_ == Shift::p ? n_ : 0; }
  int b0() const { return shift_ == Shift::p ? 0 : n_; }
  void shift(ConstVecRef theta, ConstMatRef in, MatRef out, LayerCache& c, double sign) const;
  void backward(ConstVecRef theta, LayerCache& c, ConstMatRef g_out, MatRef g_in, VecRef dtheta,
                double sign) const;
};

}  // namespace hnn
