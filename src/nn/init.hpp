// Parameter initialisation of an MLP, deterministic from an Rng (same seed, same θ, on any
// machine): weights by a named scheme, biases zero.
//   "orthogonal"      torch.nn.init.orthogonal_ (gain 1): QR of a standard Gaussian matrix, with
//                     the sign fix Q ← Q·sign(diag R); W has orthonormal columns (WᵀW = I) when
//                     out ≥ in, orthonormal rows (WWᵀ = I) otherwise. The HNN reference's choice.
//   "glorot_uniform"  U(−a, a), a = √(6 / (fan_in + fan_out))      (Xavier uniform, gain 1)
//   "glorot_normal"   N(0, s²), s = √(2 / (fan_in + fan_out))      (Xavier normal, gain 1)
// Draw order: layer by layer, each weight matrix's draws in column-major order of the Gaussian
// matrix that is factorised (orthogonal) or of W itself (Glorot). Draws are made in double.
#pragma once

#include <Eigen/Core>
#include <string>

#include "core/rng.hpp"
#include "nn/mlp.hpp"

namespace hnn {

// Throws ConfigError for an unknown scheme, listing the choices.
void check_init_scheme(const std::string& scheme);

// θ (size Mlp(shape).n_params()) ← the initial parameters.
template <class S>
void init_params(const MlpShape& shape, const std::string& scheme, Rng& rng,
                 Eigen::Ref<Eigen::Matrix<S, Eigen::Dynamic, 1>> theta);

// One rows × cols matrix as torch.nn.init.orthogonal_ would fill it (gain 1).
Eigen::MatrixXd orthogonal_matrix(int rows, int cols, Rng& rng);

}  // namespace hnn
