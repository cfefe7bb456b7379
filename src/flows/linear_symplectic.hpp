// The linear symplectic layer S = N·A·K of Bondesan & Lamacraft (2019), applied latent -> physical
// as the stages k = 0..r+2 (z = q + i p, one complex entry per degree of freedom):
//   k = 0        phases       z <- e^{iφ} ⊙ z
//   k = 1..r     reflections  z <- z − c v (v†z), v = a + i b, c = 2/|v|²  (K: X + iY unitary)
//   k = r+1      scaling      q <- L ⊙ q,  p <- p ⊘ L                      (A = diag(Lᵀ, L⁻¹))
//   k = r+2      shear        p <- p + M q                                 (N = [[1,0],[M,1]])
// M is diagonal (the reference) or a full symmetric matrix ("symmetric"); L is diagonal and must
// stay non-zero. Every stage is symplectic (K is unitary, so its real form is orthogonal and
// symplectic; A and N are the standard symplectic generators). The inverse runs the stages
// backwards: e^{−iφ}, the same reflections (each is an involution), 1/L, −M.
// θ layout: φ (n); a_1, b_1, ..., a_r, b_r (n each); L (n); M (n diagonal, or n(n+1)/2 packed:
// for j = 0..n−1, i = 0..j, M_ij = M_ji). (3 + 2r)·n parameters with a diagonal M.
// Init (the reference): φ ~ N(0, 1); a, b ~ N(0, 1/n) (Glorot normal of a length-n vector);
// L = 1; M = 0.
#pragma once

#include "flows/layer.hpp"

namespace hnn {

class LinearSymplecticLayer final : public FlowLayer {
 public:
  enum class Shear { diagonal, symmetric };

  LinearSymplecticLayer(int n, int reflections = 2, Shear shear = Shear::diagonal);
  std::string name() const override { return "linear"; }
  long n_params() const override;
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

  // The 2n × 2n matrix of the layer (for tests and diagnostics).
  Mat matrix(ConstVecRef theta) const;

 private:
  int r_;
  Shear shear_;
  long off_phi() const { return 0; }
  long off_a(int k) const { return n_ + 2L * k * n_; }
  long off_b(int k) const { return off_a(k) + n_; }
  long off_L() const { return n_ + 2L * r_ * n_; }
  long off_M() const { return off_L() + n_; }
  long n_M() const { return shear_ == Shear::diagonal ? n_ : n_ * (n_ + 1L) / 2; }
  Mat shear_matrix(ConstVecRef theta) const;  // M as n × n
  // Stage k forward (sign +1) or inverse (sign −1), in place on z (2n × B).
  void stage(ConstVecRef theta, int k, int sign, MatRef z) const;
  // VJP of stage k: given the stage's input zin and output zout in the direction of SIGN and
  // the gradient g at its output, overwrite g with the gradient at its input and add the
  // parameter gradient to dθ.
  void stage_backward(ConstVecRef theta, int k, int sign, const Mat& zin, const Mat& zout, Mat& g,
                      VecRef dtheta) const;
};

}  // namespace hnn
