// The reparameterised Gaussian posterior of a variational autoencoder (Kingma & Welling 2014),
// as used by the Hamiltonian Generative Network (Toth et al. 2019) for its abstract state:
//   z = μ + exp(½·logvar) ⊙ ε,   ε ~ N(0, I) drawn by the caller (fixed for a gradient check),
//   KL(N(μ, diag exp(logvar)) ‖ N(0, I)) = ½ Σ_i (μ_i² + exp(logvar_i) − 1 − logvar_i)
// (per column; columns are samples). Both are forward/backward pairs; backward ACCUMULATES.
#pragma once

#include "core/types.hpp"

namespace hnn {

// Z = MU + exp(½ LOGVAR) ⊙ EPS (all d × B).
void gaussian_sample(const Mat& mu, const Mat& logvar, const Mat& eps, Mat& z);
// dμ += dz; dlogvar += dz ⊙ ½ exp(½ logvar) ⊙ ε.
void gaussian_sample_backward(const Mat& logvar, const Mat& eps, const Mat& dz, Mat& dmu,
                              Mat& dlogvar);

// Σ over the columns of the KL term above.
double gaussian_kl(const Mat& mu, const Mat& logvar);
// dμ += w·μ; dlogvar += w·½ (exp(logvar) − 1): the gradient of w·gaussian_kl.
void gaussian_kl_backward(const Mat& mu, const Mat& logvar, double w, Mat& dmu, Mat& dlogvar);

}  // namespace hnn
