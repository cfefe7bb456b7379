// Generating functions F : Rⁿ -> R of the symplectic couplings (flows/coupling.hpp), which shift
// one half of phase space by ∇F of the other. A coupling needs ∇F, the Hessian-vector product
// ∇²F·v (its input VJP) and ∂(Σ_b dg_b·∇F(u_b))/∂θ (its parameter gradient):
//   mlp   F = a scalar MLP (nn/mlp.hpp; exact second derivatives), the reference's choice.
//   poly  F = Σ_m c_m u^m over the monomials of degree 2..D in the n variables (D = `degree`):
//         the form of a Birkhoff normal-form generator, so a near-integrable system's first-order
//         canonical correction (a polynomial) is held exactly, and the parameters enter
//         linearly. Initial c = 0 (the identity map). C(n + D, D) − 1 − n parameters, in
//         graded-lexicographic order of the exponents.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"
#include "nn/activation.hpp"
#include "nn/mlp.hpp"

namespace hnn {

struct GeneratorCache {
  virtual ~GeneratorCache() = default;
};

class GeneratingFunction {
 public:
  virtual ~GeneratingFunction() = default;
  virtual long n_params() const = 0;
  virtual void init_params(Rng& rng, VecRef theta) const = 0;
  virtual std::unique_ptr<GeneratorCache> make_cache() const = 0;
  // G = ∇F at the columns of U (n × B); keeps U and what the passes below need in C.
  virtual void gradient(ConstVecRef theta, ConstMatRef u, Mat& g, GeneratorCache& c) const = 0;
  // dθ += ∂/∂θ Σ_b DG_b · ∇F(u_b), at the U of the last gradient().
  virtual void gradient_backward(ConstVecRef theta, GeneratorCache& c, ConstMatRef dg,
                                 VecRef dtheta) const = 0;
  // HV = ∇²F(u_b) v_b per column, at the U of the last gradient() (gradient_backward may come
  // between them).
  virtual void hvp(ConstVecRef theta, GeneratorCache& c, ConstMatRef v, Mat& hv) const = 0;
};

// F = MLP (sizes n, hidden..., 1). INIT one of the nn/init.hpp schemes; the last layer's weights
// are multiplied by INIT_SCALE. Throws ConfigError when ACT has no second derivative.
std::unique_ptr<GeneratingFunction> make_mlp_generator(int n, const std::vector<int>& hidden,
                                                       Activation act, const std::string& init,
                                                       double init_scale);

// F = Σ c_m u^m, degrees 2..DEGREE (DEGREE >= 2; ConfigError otherwise).
std::unique_ptr<GeneratingFunction> make_polynomial_generator(int n, int degree);

}  // namespace hnn
