// A symplectic flow T = T_L ∘ ... ∘ T_1 : latent (q̂, p̂) -> physical (q, p), the composition of
// the layers in list order (layer 0 acts first on the latent side). Every layer is canonical and
// exactly invertible, so T is; T⁻¹ runs the list backwards. θ is one flat vector, the layers'
// segments in list order (offset(i)).
//
// From an input file ([model] kind = "flow", models/flow_model.hpp):
//   layers      = "linear coupling_p exchange"   one block, latent -> physical, names separated
//                                                by spaces or commas (required)
//   repeat      = 4                              the block is repeated this many times (default 1)
//   generator   = "mlp"                          each coupling's F: mlp | poly (flows/generator.hpp)
//   degree      = 4                              poly: highest degree of F (monomials 2..degree)
//   hidden      = [64]                           mlp: hidden widths of F (default [64])
//   activation  = "tanh"                         mlp: of F: tanh | softplus | sigmoid
//   init        = "glorot_normal"                mlp: of F's weights (nn/init.hpp schemes)
//   init_scale  = 1.0                            mlp: factor on F's last-layer weights at init
//   reflections = 2                              Householder reflections per linear layer
//   shear       = "diagonal"                     M of the linear layer: diagonal | symmetric
//   decay       = 0.99                           moving-average decay of zero_center
// Layer names: linear, coupling_p (p <- p + ∇F(q) + c), coupling_q (q <- q + ∇F(p) + c),
// zero_center, exchange ((q, p) -> (p, −q)).
// The reference stack (Bondesan & Lamacraft): layers = "zero_center linear coupling_p",
// repeat = 4, hidden = [512] (their F differs: see coupling.hpp).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "flows/layer.hpp"
#include "io/config.hpp"

namespace hnn {

class Flow {
 public:
  // Per-thread state of the passes: each layer's cache and the states between layers
  // (z[i] = input of layer i in latent -> physical order, z[L] = physical side).
  struct Cache {
    std::vector<std::unique_ptr<LayerCache>> layer;
    std::vector<Mat> z;
    Mat g0, g1;  // gradients between layers
  };

  Flow(int n, std::vector<std::unique_ptr<FlowLayer>> layers);

  int n() const { return n_; }
  int dim() const { return 2 * n_; }
  int n_layers() const { return static_cast<int>(layers_.size()); }
  const FlowLayer& layer(int i) const { return *layers_[static_cast<std::size_t>(i)]; }
  long offset(int i) const { return off_[static_cast<std::size_t>(i)]; }
  long n_params() const { return off_.back(); }
  // One line: the layer names and parameter counts.
  std::string describe() const;

  void init_params(Rng& rng, VecRef theta) const;
  Cache make_cache() const;

  // x, y: dim × B. Same contracts as FlowLayer (layer.hpp), for the whole stack.
  void forward(ConstVecRef theta, ConstMatRef x, MatRef y, Cache& c,
               FlowMode mode = FlowMode::eval) const;
  void inverse(ConstVecRef theta, ConstMatRef y, MatRef x, Cache& c,
               FlowMode mode = FlowMode::eval) const;
  void forward_backward(ConstVecRef theta, Cache& c, ConstMatRef gy, MatRef gx,
                        VecRef dtheta) const;
  void inverse_backward(ConstVecRef theta, Cache& c, ConstMatRef gx, MatRef gy,
                        VecRef dtheta) const;

  // After a training-mode inverse pass: update the zero_center moving averages held in θ
  // (FIRST: the first step of a run, m <- μ; ZeroCenterLayer::update_moving_average).
  void update_moving_averages(VecRef theta, const Cache& c, bool first = false) const;

  // ---- Batch mode: zero_center means over a batch of units ([model] zero_center = "batch") ----
  // Units are matrices Y[u] (dim × τ_u, e.g. one trajectory's times) that share the zero_center
  // batch means: μ at layer l is the mean over every q (p) entry of every unit of the batch at
  // layer l's data side, so it couples the units, and the global batch may span MPI ranks.
  // SUM is that coupling: given this process's per-unit partial sums (k × U, column u = unit u)
  // it returns the k totals over the whole batch, added in an order that does not depend on how
  // the units are split over processes (the caller's: flows stay MPI-free). Every process must
  // make the same calls (one per zero_center layer in each direction), even with U = 0.
  using BatchSum = std::function<Vec(const Mat& per_unit)>;
  // The columns added in order: SUM for a batch held by one process.
  static Vec sum_in_order(const Mat& per_unit);
  struct BatchCache {
    std::vector<Cache> unit;   // per unit: its layer caches, states and gradients
    std::vector<double> mu;    // 2 per layer: (μ_q, μ_p) of each zero_center layer (else 0)
    double entries = 0;        // q entries of the whole batch: n · Σ_u τ_u
    Mat part, dtheta;          // per-unit partial sums (k × U); per-unit dθ (n_params × U)
  };
  // X[u] = T⁻¹(Y[u]) in training mode, every zero_center layer on the batch means (SUM). OpenMP
  // over units; one SUM call for the batch size, then one per zero_center layer from the data
  // side to the latent side.
  void batch_inverse(ConstVecRef theta, const std::vector<Mat>& y, std::vector<Mat>& x,
                     BatchCache& c, const BatchSum& sum) const;
  // After batch_inverse, for a loss L given GX[u] = ∂L/∂X[u]: DTHETA += ∂L/∂θ, the gradient
  // through the means included (per-unit contributions added in unit order). One SUM call per
  // zero_center layer from the latent side to the data side.
  void batch_inverse_backward(ConstVecRef theta, BatchCache& c, const std::vector<Mat>& gx,
                              VecRef dtheta, const BatchSum& sum) const;
  // m <- decay·m + (1 − decay)·μ for every zero_center layer, with MU as BatchCache::mu (m <- μ
  // if FIRST).
  void update_moving_averages(VecRef theta, const std::vector<double>& mu,
                              bool first = false) const;
  // Entry i of θ is a buffer (FlowLayer::n_buffers): not trained, its gradient always 0.
  std::vector<bool> buffer_mask() const;
  bool has_zero_center() const;

 private:
  int n_;
  std::vector<std::unique_ptr<FlowLayer>> layers_;
  std::vector<long> off_;  // off_[i] = start of layer i's θ; off_.back() = n_params
  ConstVecRef seg(ConstVecRef theta, int i) const {
    return theta.segment(offset(i), layer(i).n_params());
  }
};

// The flow of a [model] section (keys above) for states of dimension DIM = 2n. Throws
// ConfigError naming the key.
std::unique_ptr<Flow> make_flow(const Section& s, int dim);

}  // namespace hnn
