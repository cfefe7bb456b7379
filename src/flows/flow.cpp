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

void Flow::update_moving_averages(VecRef theta, const Cache& c, bool first) const {
  for (int i = 0; i < n_layers(); ++i)
    if (const auto* z = dynamic_cast<const ZeroCenterLayer*>(layers_[i].get()))
      z->update_moving_average(theta.segment(offset(i), z->n_params()), *c.layer[i], first);
}

Vec Flow::sum_in_order(const Mat& per_unit) {
  Vec s = Vec::Zero(per_unit.rows());
  for (long u = 0; u < per_unit.cols(); ++u) s += per_unit.col(u);
  return s;
}

namespace {

// F(u) for every unit u < U, OpenMP over units (each unit writes only its own state).
template <class F>
void for_units(long U, F f) {
#pragma omp parallel for schedule(dynamic, 1)
  for (long u = 0; u < U; ++u) f(static_cast<std::size_t>(u));
}

// The means over the whole batch (SUM) of the q and of the p entries of the matrices M(u),
// u < U: per-unit partial sums in PART, then ENTRIES q (p) entries in all.
template <class M>
std::pair<double, double> batch_means(const ZeroCenterLayer& zc, long U, double entries, Mat& part,
                                      const Flow::BatchSum& sum, M m) {
  part.resize(2, U);
  for_units(U, [&](std::size_t u) {
    const auto [sq, sp] = zc.sums(m(u));
    part(0, static_cast<long>(u)) = sq;
    part(1, static_cast<long>(u)) = sp;
  });
  const Vec tot = sum(part);
  return {tot[0] / entries, tot[1] / entries};
}

}  // namespace

// Layers run in stages: the layers between two zero_center layers per unit (in parallel), then
// the zero_center layer's global sum, then that layer per unit.
void Flow::batch_inverse(ConstVecRef theta, const std::vector<Mat>& y, std::vector<Mat>& x,
                         BatchCache& c, const BatchSum& sum) const {
  const int L = n_layers();
  const long U = static_cast<long>(y.size());
  while (c.unit.size() < y.size()) c.unit.push_back(make_cache());
  x.resize(y.size());
  c.mu.assign(2 * static_cast<std::size_t>(L), 0.0);
  for_units(U, [&](std::size_t u) { c.unit[u].z[L] = y[u]; });
  // The batch size, for the means.
  c.part.resize(1, U);
  for (long u = 0; u < U; ++u) c.part(0, u) = static_cast<double>(y[u].cols());
  c.entries = static_cast<double>(n_) * sum(c.part)[0];
  for (int hi = L - 1; hi >= 0;) {
    int lo = hi;  // layers (lo, hi] are not zero_center; lo is one, or −1
    while (lo >= 0 && !dynamic_cast<const ZeroCenterLayer*>(layers_[lo].get())) --lo;
    for_units(U, [&](std::size_t u) {
      auto& cu = c.unit[u];
      for (int i = hi; i > lo; --i) {
        cu.z[i].resize(dim(), cu.z[i + 1].cols());
        layer(i).inverse(seg(theta, i), cu.z[i + 1], cu.z[i], *cu.layer[i], FlowMode::train);
      }
    });
    if (lo < 0) break;
    const auto& zc = static_cast<const ZeroCenterLayer&>(layer(lo));
    const auto [mq, mp] =
        batch_means(zc, U, c.entries, c.part, sum,
                    [&](std::size_t u) -> const Mat& { return c.unit[u].z[lo + 1]; });
    c.mu[2 * static_cast<std::size_t>(lo)] = mq;
    c.mu[2 * static_cast<std::size_t>(lo) + 1] = mp;
    for_units(U, [&](std::size_t u) {
      auto& cu = c.unit[u];
      cu.z[lo].resize(dim(), cu.z[lo + 1].cols());
      zc.inverse_centered(seg(theta, lo), cu.z[lo + 1], cu.z[lo], *cu.layer[lo], mq, mp);
    });
    hi = lo - 1;
  }
  for_units(U, [&](std::size_t u) { x[u] = c.unit[u].z[0]; });
}

void Flow::batch_inverse_backward(ConstVecRef theta, BatchCache& c, const std::vector<Mat>& gx,
                                  VecRef dtheta, const BatchSum& sum) const {
  const int L = n_layers();
  const long U = static_cast<long>(gx.size());
  c.dtheta.setZero(n_params(), U);
  for_units(U, [&](std::size_t u) { c.unit[u].g0 = gx[u]; });
  auto dseg = [&](std::size_t u, int i) {
    return c.dtheta.col(static_cast<long>(u)).segment(offset(i), layer(i).n_params());
  };
  for (int lo = 0; lo < L;) {
    int hi = lo;  // layers [lo, hi) are not zero_center; hi is one, or L
    while (hi < L && !dynamic_cast<const ZeroCenterLayer*>(layers_[hi].get())) ++hi;
    for_units(U, [&](std::size_t u) {
      auto& cu = c.unit[u];
      for (int i = lo; i < hi; ++i) {
        cu.g1.resize(dim(), cu.g0.cols());
        layer(i).inverse_backward(seg(theta, i), *cu.layer[i], cu.g0, cu.g1, dseg(u, i));
        std::swap(cu.g0, cu.g1);
      }
    });
    if (hi == L) break;
    const auto& zc = static_cast<const ZeroCenterLayer&>(layer(hi));
    const auto [gq, gp] = batch_means(zc, U, c.entries, c.part, sum,
                                      [&](std::size_t u) -> const Mat& { return c.unit[u].g0; });
    for_units(U, [&](std::size_t u) {
      auto& cu = c.unit[u];
      cu.g1.resize(dim(), cu.g0.cols());
      zc.inverse_backward_centered(*cu.layer[hi], cu.g0, cu.g1, dseg(u, hi), gq, gp);
      std::swap(cu.g0, cu.g1);
    });
    lo = hi + 1;
  }
  for (long u = 0; u < U; ++u) dtheta += c.dtheta.col(u);
}

void Flow::update_moving_averages(VecRef theta, const std::vector<double>& mu,
                                  bool first) const {
  for (int i = 0; i < n_layers(); ++i)
    if (const auto* z = dynamic_cast<const ZeroCenterLayer*>(layers_[i].get()))
      z->update_moving_average(theta.segment(offset(i), z->n_params()),
                               mu[2 * static_cast<std::size_t>(i)],
                               mu[2 * static_cast<std::size_t>(i) + 1], first);
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
