// The integrator of the Hamiltonian Generative Network (Toth et al. 2019, eq. 5): leapfrog steps
// of a learned, possibly non-separable Hamiltonian H(q, p), unrolled T times and differentiated
// exactly (backpropagation through the steps) in the initial state and in H's parameters θ.
// One step of size ε on the state x = (q, p) (q, p: n × B, columns are samples):
//   p½ = p  − (ε/2) ∂H/∂q(q,  p)
//   q' = q  +  ε    ∂H/∂p(q,  p½)
//   p' = p½ − (ε/2) ∂H/∂q(q', p½)
// q moves with ∂H/∂p, not with p: a public re-implementation writes q' = q + ε p½, which is the
// same only for H = ½|p|² + V(q) (tested in tests/unit/test_hgn.cpp).
// The step is explicit (∂H/∂q of the first half-kick at p, not at p½): for a separable
// H = K(p) + V(q) it is Störmer–Verlet (symplectic, second order); for a non-separable H, such as
// a learned one, it is first order and not symplectic, and H drifts along the rollout by O(dt)
// (tests/unit/test_hgn.cpp, Hgn.LatentRolloutRefinesTheModelsOwnRollout; eval/evaluate_hgn.hpp).
//
// Backward (adjoints a_q, a_p of x' = (q', p') → of x = (q, p)), with V the adjoint of a ∇H
// evaluation, ∇²H·V its Hessian-vector product and ∂_θ⟨V, ∇H⟩ its parameter gradient:
//   a_p½ = a_p';  V₂ = (−(ε/2) a_p', 0) at (q', p½): (a_q', a_p½) += ∇²H V₂, dθ += ∂_θ⟨V₂, ∇H⟩
//   a_q = a_q';   V₁ = (0, ε a_q')     at (q, p½):  (a_q, a_p½)  += ∇²H V₁, dθ += ...
//   a_p = a_p½;   V₀ = (−(ε/2) a_p½, 0) at (q, p):  (a_q, a_p)   += ∇²H V₀, dθ += ...
// The ∇H evaluations are recomputed in backward (only the states are kept).
#pragma once

#include <vector>

#include "core/types.hpp"
#include "nn/mlp.hpp"

namespace hnn {

// A Hamiltonian that can be differentiated twice, over a batch of states (dim × B).
class DiffHamiltonian {
 public:
  virtual ~DiffHamiltonian() = default;
  virtual int dim() const = 0;  // 2n
  // G = ∇_x H at the columns of X.
  virtual void grad(const Mat& x, Mat& g) = 0;
  // For the loss term ⟨V, ∇_x H(X)⟩ (summed over the columns): DX += ∇²H(X)·V, and
  // DTHETA[0..n_params) += its θ-gradient when DTHETA is not null.
  virtual void grad_backward(const Mat& x, const Mat& v, Mat& dx, double* dtheta) = 0;
};

// H_θ(x) = Mlp (scalar output), evaluated with a cache of its own. θ and the MLP must outlive it.
class MlpHamiltonian final : public DiffHamiltonian {
 public:
  MlpHamiltonian(const Mlp<double>& mlp, ConstVecRef theta);  // throws ConfigError unless scalar
  int dim() const override { return mlp_.n_in(); }
  void grad(const Mat& x, Mat& g) override;
  void grad_backward(const Mat& x, const Mat& v, Mat& dx, double* dtheta) override;

 private:
  const Mlp<double>& mlp_;
  ConstVecRef theta_;
  Mlp<double>::Cache cache_;
  Mat h_, hv_, dh_;
};

// The states of a rollout: X[t] = x_t (t = 0..T), PH[t] = p½ of step t (n × B, t < T).
struct LeapfrogTape {
  std::vector<Mat> x, ph;
  int steps() const { return static_cast<int>(ph.size()); }
};

// T steps of size DT from X0 (dim × B).
void leapfrog_rollout(DiffHamiltonian& h, const Mat& x0, double dt, int steps, LeapfrogTape& tape);

// DX[t] = ∂L/∂x_t taken directly (t = 0..T, each dim × B) on entry; on return DX[0] is the total
// ∂L/∂x_0 (DX[1..T] are overwritten with the totals of their states), and DTHETA += ∂L/∂θ when
// not null.
void leapfrog_rollout_backward(DiffHamiltonian& h, double dt, const LeapfrogTape& tape,
                               std::vector<Mat>& dx, double* dtheta);

}  // namespace hnn
