// The interface of a symplectic flow layer (Bondesan & Lamacraft 2019; Li et al. 2020): an
// exactly invertible canonical map T_l : x -> y of phase space, x = (q, p) on the latent side and
// y on the physical side, over a batch of states as the columns of dim × B matrices (dim = 2n,
// rows q_1..q_n, p_1..p_n). Layers are forward/backward pairs over one flat parameter vector:
// each layer owns a segment θ_l of the flow's θ (its n_params() entries) and reads it through
// Eigen::Map views.
//
// Passes, in both directions:
//   forward(θ, x) = y = T_l(x)          inverse(θ, y) = x = T_l⁻¹(y)
//   forward_backward:  after forward, given gy = ∂L/∂y:  gx = (∂y/∂x)ᵀ gy,  dθ += (∂y/∂θ)ᵀ gy
//   inverse_backward:  after inverse, given gx = ∂L/∂x:  gy = (∂x/∂y)ᵀ gx,  dθ += (∂x/∂θ)ᵀ gx
// Training pulls data back (T⁻¹ of physical states) and therefore uses inverse/inverse_backward;
// density estimation pushes latent samples forward. Backward passes ACCUMULATE into dθ and
// OVERWRITE the input gradient; gx and gy may not alias gy and gx. A pass fills the cache that
// its backward reads; one cache per layer and thread.
#pragma once

#include <memory>
#include <string>

#include "core/rng.hpp"
#include "core/types.hpp"

namespace hnn {

// Only the zero-center layer distinguishes them: in training its data-side (inverse) pass
// subtracts the batch mean, in evaluation a moving average (zero_center.hpp).
enum class FlowMode { eval, train };

// What a pass keeps for its backward pass. Layers derive their own.
struct LayerCache {
  virtual ~LayerCache() = default;
};

class FlowLayer {
 public:
  virtual ~FlowLayer() = default;
  virtual std::string name() const = 0;  // as in the input file: "linear", "coupling_p", ...
  int dim() const { return 2 * n_; }
  int n() const { return n_; }
  virtual long n_params() const = 0;
  // The last n_buffers() entries of θ_l are buffers, not trained: statistics that the passes
  // read but whose gradient is defined to be 0 (zero_center's moving averages).
  virtual long n_buffers() const { return 0; }
  // θ_l (n_params()) <- initial parameters.
  virtual void init_params(Rng& rng, VecRef theta) const = 0;
  virtual std::unique_ptr<LayerCache> make_cache() const = 0;

  virtual void forward(ConstVecRef theta, ConstMatRef x, MatRef y, LayerCache& c,
                       FlowMode mode = FlowMode::eval) const = 0;
  virtual void inverse(ConstVecRef theta, ConstMatRef y, MatRef x, LayerCache& c,
                       FlowMode mode = FlowMode::eval) const = 0;
  virtual void forward_backward(ConstVecRef theta, LayerCache& c, ConstMatRef gy, MatRef gx,
                                VecRef dtheta) const = 0;
  virtual void inverse_backward(ConstVecRef theta, LayerCache& c, ConstMatRef gx, MatRef gy,
                                VecRef dtheta) const = 0;

 protected:
  explicit FlowLayer(int n) : n_(n) {}
  int n_;  // degrees of freedom; states have 2n rows
};

}  // namespace hnn
