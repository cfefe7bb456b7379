// Scratch space shared by the MLP-based models, and the float64 <-> Scalar crossings of θ.
#pragma once

#include <type_traits>

#include "models/model.hpp"
#include "nn/mlp.hpp"

namespace hnn {

template <class S>
struct NetWorkspace : Model::Workspace {
  using VecS = typename Mlp<S>::Vec;
  using MatS = typename Mlp<S>::Mat;
  typename Mlp<S>::Cache cache, cache2;
  VecS theta, dtheta;            // θ and ∂/∂θ in S
  MatS X, X2, H, G, H2, G2, dH, dG, dG2, Y;

  // θ as S: a view for double, a converted copy for float.
  Eigen::Ref<const VecS> params(ConstVecRef theta64) {
    if constexpr (std::is_same_v<S, double>) {
      return theta64;
    } else {
      theta = theta64.template cast<S>();
      return theta;
    }
  }
  // Inputs as S: a view for double, a converted copy for float.
  Eigen::Ref<const MatS> input(ConstMatRef x, MatS& buf) {
    if constexpr (std::is_same_v<S, double>) {
      return x;
    } else {
      buf = x.template cast<S>();
      return buf;
    }
  }
};

}  // namespace hnn
