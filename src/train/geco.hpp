// GECO (Rezende & Viola 2018, "Taming VAEs", Algorithm 1): the KL weight of a VAE-type loss set
// by a Lagrange multiplier λ on the reconstruction constraint C = R − κ ≤ 0, as the Hamiltonian
// Generative Network is trained (Toth et al. 2019). Per optimizer step, with R the step's mean
// reconstruction error (here the pixel MSE of the rollout, models/hgn.hpp):
//   C_ma ← C                          (first step)
//   C_ma ← α·C_ma + (1 − α)·C         (later steps; α = 0.99)
//   ln λ ← ln λ + γ·tanh(C_ma/κ)      (γ = 0.05)
//   ln λ clamped to [ln(1/w_max), ln(1/w_min)]
// R&V multiply λ by exp(∝ C_ma); here C_ma is measured in units of κ and squashed by tanh, so λ
// changes by at most a factor e^γ per step in either direction whatever R's units and however far
// R is from κ (with the raw C_ma/κ, R = 200κ at the start drove w to its floor in 7 steps, and
// the way back took a thousand).
// and the loss minimised is λ·C + KL divided by λ, i.e. R + w·KL with w = 1/λ (the same
// gradient direction; its scale stays that of R, so Adam and gradient clipping see R's scale).
// λ grows while the reconstruction is worse than κ (less weight on the KL) and shrinks once it
// is better. Constants (defaults): κ = tolerance, α = 0.99, γ = 0.05, w ∈ [1e-6, 1], w₀ = 1.
// With enabled = false the weight stays w₀.
#pragma once

#include <vector>

namespace hnn {

struct GecoOptions {
  bool enabled = true;
  double tolerance = 1e-3;  // κ, in the units of R (pixel MSE)
  double alpha = 0.99;      // moving-average factor of the constraint
  double rate = 0.05;       // γ
  double initial_weight = 1.0, min_weight = 1e-6, max_weight = 1.0;
};

class Geco {
 public:
  explicit Geco(const GecoOptions& o);  // throws ConfigError on out-of-range constants
  double weight() const;                // w = 1/λ, the KL weight of the next step
  // After a step whose mean reconstruction error was R.
  void update(double reconstruction);
  double constraint_average() const { return c_ma_; }
  // (ln λ, C_ma, steps seen), for checkpoints.
  std::vector<double> state() const;
  void set_state(const std::vector<double>& s);  // throws IoError on a wrong size

 private:
  GecoOptions o_;
  double log_lambda_ = 0, c_ma_ = 0;
  long seen_ = 0;
};

}  // namespace hnn
