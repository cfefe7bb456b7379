// The [model] section of a training input -> a Model.
//   kind        "hnn" (default) | "baseline" | "separable_hnn" | "flow" (a symplectic flow: its
//               keys are those of flows/flow.hpp, none of the ones below)
//   hidden      hidden widths (default [200, 200], the reference)
//   activation  "tanh" (default) | "softplus" | "sigmoid" | "relu" (baseline only)
//   init        "orthogonal" (default, the reference) | "glorot_uniform" | "glorot_normal"
//   last_bias   bias on the output layer (default false, the reference)
//   precision   "float64" (default) | "float32"
#pragma once

#include <memory>

#include "io/config.hpp"
#include "models/model.hpp"

namespace hnn {

std::unique_ptr<Model> make_model(const Section& s, int dim);

}  // namespace hnn
