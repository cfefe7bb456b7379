#include "flows/flow.hpp"

#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "flows/coupling.hpp"
#include "flows/exchange.hpp"
#include "flows/linear_symplectic.hpp"
#include "flows/zero_center.hpp"

namespace hnn {

Flow::Flow(int n, std::vector<std::unique_ptr<FlowLayer>> layers)
    : n_(n), layers_(std::move(layers)) {
  off_.push_back(0);
  for (const auto& l : layers_) {
    if (l->n() != n) throw ConfigError("flow: a layer has the wrong number of degrees of freedom");
    off_.push_back(off_.back() + l->n_params());
  }
}

std::string Flow::describe() const {
  std::ostringstream os;
  for (int i = 0; i < n_layers(); ++i)
    os << (i ? " " : "") << layer(i).name() << "(" << layer(i).n_params() << ")";
  return os.str();
}

void Flow::init_params(Rng& rng, VecRef theta) const {
  for (int i = 0; i < n_layers(); ++i)
    layer(i).init_params(rng, theta.segment(offset(i), layer(i).n_params()));
}

Flow::Cache Flow::make_cache() const {
  Cache c;
  for (const auto& l : layers_) c.layer.push_back(l->make_cache());
  c.z.resize(layers_.size() + 1);
  return c;
}

void Flow::forward(ConstVecRef theta, ConstMatRef x, MatRef y, Cache& c, FlowMode mode) const {
  const int L = n_layers();
  c.z[0] = x;
  for (int i = 0; i < L; ++i) {
    c.z[i + 1].resize(dim(), x.cols());
    layer(i).forward(seg(theta, i), c.z[i], c.z[i + 1], *c.layer[i], mode);
  }
  y = c.z[L];
}

void Flow::inverse(ConstVecRef theta, ConstMatRef y, MatRef x, Cache& c, FlowMode mode) const {
  const int L = n_layers();
  c.z[L] = y;
  for (int i = L - 1; i >= 0; --i) {
    c.z[i].resize(dim(), y.cols());
    layer(i).inverse(seg(theta, i), c.z[i + 1], c.z[i], *c.layer[i], mode);
  }
  x = c.z[0];
}

void Flow::forward_backward(ConstVecRef theta, Cache& c, ConstMatRef gy, MatRef gx,
                            VecRef dtheta) const {
  c.g0 = gy;
  for (int i = n_layers() - 1; i >= 0; --i) {
    c.g1.resize(dim(), gy.cols());
    layer(i).forward_backward(seg(theta, i), *c.layer[i], c.g0, c.g1,
                              dtheta.segment(offset(i), layer(i).n_params()));
    std::swap(c.g0, c.g1);
  }
  gx = c.g0;
}

void Flow::inverse_backward(ConstVecRef theta, Cache& c, ConstMatRef gx, MatRef gy,
                            VecRef dtheta) const {
  c.g0 = gx;
  for (int i = 0; i < n_layers(); ++i) {
    c.g1.resize(dim(), gx.cols());
    layer(i).inverse_backward(seg(theta, i), *c.layer[i], c.g0, c.g1,
                              dtheta.segment(offset(i), layer(i).n_params()));
    std::swap(c.g0, c.g1);
  }
  gy = c.g0;
}

void Flow::update_moving_averages(VecRef theta, const Cache& c) const {
  for (int i = 0; i < n_layers(); ++i)
    if (const auto* z = dynamic_cast<const ZeroCenterLayer*>(layers_[i].get()))
      z->update_moving_average(theta.segment(offset(i), z->n_params()), *c.layer[i]);
}

std::vector<bool> Flow::buffer_mask() const {
  std::vector<bool> mask(static_cast<std::size_t>(n_params()), false);
  for (int i = 0; i < n_layers(); ++i)
    for (long k = layer(i).n_params() - layer(i).n_buffers(); k < layer(i).n_params(); ++k)
      mask[static_cast<std::size_t>(offset(i) + k)] = true;
  return mask;
}

bool Flow::has_zero_center() const {
  for (const auto& l : layers_)
    if (dynamic_cast<const ZeroCenterLayer*>(l.get())) return true;
  return false;
}

std::unique_ptr<Flow> make_flow(const Section& s, int dim) {
  if (dim < 2 || dim % 2) s.fail("kind", "a flow needs an even state dimension");
  const int n = dim / 2;
  std::vector<std::string> block;
  {
    std::string spec = s.get_string("layers");
    for (char& ch : spec)
      if (ch == ',') ch = ' ';
    std::istringstream is(spec);
    for (std::string w; is >> w;) block.push_back(w);
  }
  s.require(!block.empty(), "layers", "names no layer");
  const long repeat = s.get_count("repeat", 1);
  const bool poly = s.get_choice("generator", {"mlp", "poly"}, "mlp") == "poly";
  const int degree = poly ? static_cast<int>(s.get_count("degree", 4, 2)) : 0;
  s.require(degree <= 12, "degree", "must be <= 12");
  std::vector<int> hidden;
  for (double h : s.get_double_list("hidden", std::vector<double>{64})) {
    s.require(h >= 1 && h == std::floor(h) && h < 1e6, "hidden", "widths must be integers >= 1");
    hidden.push_back(static_cast<int>(h));
  }
  const Activation act =
      activation_from_name(s.get_choice("activation", {"tanh", "softplus", "sigmoid"}, "tanh"));
  const std::string init =
      s.get_choice("init", {"orthogonal", "glorot_uniform", "glorot_normal"}, "glorot_normal");
  const double init_scale = s.get_non_negative("init_scale", 1.0);
  const long refl = s.get_count("reflections", 2, 0);
  const auto shear = s.get_choice("shear", {"diagonal", "symmetric"}, "diagonal") == "diagonal"
                         ? LinearSymplecticLayer::Shear::diagonal
                         : LinearSymplecticLayer::Shear::symmetric;
  const double decay = s.get_non_negative("decay", 0.99);
  s.require(decay < 1, "decay", "must be < 1");

  std::vector<std::unique_ptr<FlowLayer>> layers;
  for (long r = 0; r < repeat; ++r)
    for (const auto& name : block) {
      if (name == "linear")
        layers.push_back(std::make_unique<LinearSymplecticLayer>(n, static_cast<int>(refl), shear));
      else if (name == "coupling_p" || name == "coupling_q")
        layers.push_back(std::make_unique<CouplingLayer>(
            n, name == "coupling_p" ? CouplingLayer::Shift::p : CouplingLayer::Shift::q,
            poly ? make_polynomial_generator(n, degree)
                 : make_mlp_generator(n, hidden, act, init, init_scale)));
      else if (name == "zero_center")
        layers.push_back(std::make_unique<ZeroCenterLayer>(n, decay));
      else if (name == "exchange")
        layers.push_back(std::make_unique<ExchangeLayer>(n));
      else
        s.fail("layers", "unknown layer '" + name +
                             "' (choices: linear, coupling_p, coupling_q, zero_center, exchange)");
    }
  return std::make_unique<Flow>(n, std::move(layers));
}

}  // namespace hnn
