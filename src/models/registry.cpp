#include "models/registry.hpp"

#include <cmath>

#include "core/error.hpp"
#include "models/baseline.hpp"
#include "models/flow_model.hpp"
#include "models/hgn.hpp"
#include "models/hnn.hpp"
#include "models/pixel_hnn.hpp"
#include "nn/init.hpp"

namespace hnn {

namespace {

template <class S>
std::unique_ptr<Model> build(const std::string& kind, int dim, const NetSpec& spec) {
  if (kind == "hnn") return std::make_unique<HnnModel<S>>(dim, spec);
  if (kind == "separable_hnn") return std::make_unique<SeparableHnnModel<S>>(dim, spec);
  return std::make_unique<BaselineModel<S>>(dim, spec);
}

std::vector<int> widths(const Section& s, const std::string& key,
                        const std::vector<double>& def = {200, 200}) {
  std::vector<int> w;
  for (double h : s.get_double_list(key, def)) {
    s.require(h >= 1 && h == std::floor(h) && h < 1e6, key, "widths must be integers >= 1");
    w.push_back(static_cast<int>(h));
  }
  return w;
}

std::unique_ptr<Model> make_pixel_model(const Section& s, const std::string& kind, int dim,
                                        long frame_pixels) {
  s.require(frame_pixels > 0, "kind",
            "pixel models need data with frames (hnn generate with [render] size > 0)");
  PixelSpec spec;
  spec.hnn = kind == "pixel_hnn";
  spec.frame_pixels = frame_pixels;
  spec.hidden = widths(s, "hidden");
  spec.act = activation_from_name(
      s.get_choice("activation", {"tanh", "softplus", "sigmoid", "relu"}, "tanh"));
  s.require(!spec.hnn || has_second_derivative(spec.act), "activation",
            "relu has no second derivative: the latent HNN needs tanh, softplus or sigmoid");
  spec.ae_width = static_cast<int>(s.get_count("ae_width", spec.ae_width));
  spec.ae_blocks = static_cast<int>(s.get_count("ae_blocks", spec.ae_blocks, 0));
  spec.hnn_weight = s.get_non_negative("hnn_weight", spec.hnn_weight);
  return std::make_unique<PixelHnnModel>(dim, spec);
}

std::unique_ptr<Model> make_hgn(const Section& s, long frame_pixels) {
  s.require(frame_pixels > 0, "kind",
            "the hgn learns from frames (hnn generate with [render] size > 0)");
  HgnSpec spec;
  spec.frame_pixels = frame_pixels;
  spec.input_frames = static_cast<int>(s.get_count("input_frames", spec.input_frames));
  spec.rollout = static_cast<int>(s.get_count("rollout", spec.rollout));
  s.require(spec.rollout >= spec.input_frames, "rollout", "must be >= input_frames");
  spec.latent_dof = static_cast<int>(s.get_count("latent_dof", spec.latent_dof));
  spec.enc_channels = widths(s, "enc_channels", {16, 32});
  s.require(spec.enc_channels.size() == 2, "enc_channels", "needs two channel counts");
  spec.dec_channels = static_cast<int>(s.get_count("dec_channels", spec.dec_channels));
  spec.dec_hidden = s.has("dec_hidden") ? widths(s, "dec_hidden") : spec.dec_hidden;
  spec.hidden = widths(s, "hidden", {64, 64});
  spec.act = activation_from_name(
      s.get_choice("activation", {"relu", "softplus", "tanh", "sigmoid"}, "relu"));
  spec.dt = s.get_positive("dt", spec.dt);
  try {
    return std::make_unique<HgnModel>(spec);
  } catch (const ConfigError& e) {
    s.fail("kind", e.what());
  }
}

}  // namespace

std::unique_ptr<Model> make_model(const Section& s, int dim, long frame_pixels) {
  const std::string kind = s.get_choice(
      "kind", {"hnn", "baseline", "separable_hnn", "flow", "pixel_hnn", "pixel_baseline", "hgn"},
      "hnn");
  if (kind == "hgn") return make_hgn(s, frame_pixels);
  if (kind == "flow") return std::make_unique<FlowModel>(s, dim);
  if (kind == "pixel_hnn" || kind == "pixel_baseline")
    return make_pixel_model(s, kind, dim, frame_pixels);
  NetSpec spec;
  spec.hidden.clear();
  for (double h : s.get_double_list("hidden", std::vector<double>{200, 200})) {
    s.require(h >= 1 && h == std::floor(h) && h < 1e6, "hidden", "widths must be integers >= 1");
    spec.hidden.push_back(static_cast<int>(h));
  }
  spec.act = activation_from_name(
      s.get_choice("activation", {"tanh", "softplus", "sigmoid", "relu"}, "tanh"));
  s.require(kind == "baseline" || has_second_derivative(spec.act), "activation",
            "relu has no second derivative: an HNN needs tanh, softplus or sigmoid");
  spec.init = s.get_choice("init", {"orthogonal", "glorot_uniform", "glorot_normal"}, "orthogonal");
  spec.last_bias = s.get_bool("last_bias", false);
  const bool f32 = s.get_choice("precision", {"float64", "float32"}, "float64") == "float32";
  return f32 ? build<float>(kind, dim, spec) : build<double>(kind, dim, spec);
}

}  // namespace hnn
