// The [model] section of a training input -> a Model.
//   kind        "hnn" (default) | "baseline" | "separable_hnn" | "flow" (a symplectic flow: its
//               keys are those of flows/flow.hpp, none of the ones below) | "pixel_hnn" |
//               "pixel_baseline" (models/pixel_hnn.hpp; need data with frames, FRAME_PIXELS > 0;
//               keys hidden, activation as below for the latent net, and ae_width (200),
//               ae_blocks (2), hnn_weight (0.1)) | "hgn" (models/hgn.hpp, the Hamiltonian
//               Generative Network; needs frames; keys input_frames (5), rollout (30),
//               latent_dof (4), enc_channels ([16, 32]), dec_channels (16), dec_hidden
//               ([128]), hidden ([64, 64], of
//               the softplus H), activation (of encoder and decoder, "relu"), dt (0.1))
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

// FRAME_PIXELS: H·W of the data's frames (0: the data have none).
std::unique_ptr<Model> make_model(const Section& s, int dim, long frame_pixels = 0);

}  // namespace hnn
