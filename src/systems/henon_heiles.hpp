// The Hénon–Heiles system: two degrees of freedom, x = (x, y, p_x, p_y),
// H = ½(p_x² + p_y²) + V(x, y), V = ½(x² + y²) + x² y − y³/3.
// Orbits with 0 < E < 1/6 that start inside the triangular potential well stay bounded.
// The sampler draws states on the Poincaré section x = 0, p_x > 0 at a fixed energy.
#pragma once

#include "systems/system.hpp"

namespace hnn {

struct HenonHeilesParams {
  double energy = 1.0 / 8.0;  // sampler energy E, 0 < E < 1/6
};

class HenonHeiles final : public System {
 public:
  // Throws ConfigError unless 0 < energy < 1/6.
  explicit HenonHeiles(const HenonHeilesParams& params = {});

  const HenonHeilesParams& params() const { return p_; }
  // The interval [y_lo, y_hi] ∋ 0 of y with V(0, y) <= E inside the well (y_lo < 0 < y_hi < 1).
  double y_min() const { return y_lo_; }
  double y_max() const { return y_hi_; }

  int dim() const override { return 4; }
  double energy(ConstVecRef x) const override;
  void gradient(ConstVecRef x, VecRef grad) const override;
  // Ω∇H written out: (p_x, p_y, −x − 2xy, −y − x² + y²), the same rounding as gradient().
  void field(ConstVecRef s, VecRef dsdt) const override { field_inline(s.data(), dsdt.data()); }
  // field() on raw arrays of 4 doubles, inline so that Dopri5's fixed-size kernel inlines it.
  void field_inline(const double* s, double* dsdt) const {
    const double x = s[0], y = s[1];
    dsdt[0] = s[2];
    dsdt[1] = s[3];
    dsdt[2] = -(x + 2.0 * x * y);
    dsdt[3] = -(y + x * x - y * y);
  }
  bool separable() const override { return true; }
  void dT_dp(ConstVecRef p, VecRef out) const override;  // p
  void dV_dq(ConstVecRef q, VecRef out) const override;  // (x + 2xy, y + x² − y²)

  std::string name() const override { return "henon_heiles"; }
  std::map<std::string, double> parameters() const override;  // energy
  // Rejection sampling on the section x = 0: draws y ~ U[y_min, y_max), then
  // p_y ~ U[−√(2E), √(2E)), until w = 2E − p_y² − 2V(0, y) > 0; returns (0, y, √w, p_y), so
  // H = E up to rounding. Throws NumericsError after 10000 rejected pairs (acceptance is > 1/2
  // for every allowed E, so this does not happen in practice).
  Vec sample(Rng& rng) const override;

 private:
  HenonHeilesParams p_;
  double y_lo_ = 0.0, y_hi_ = 0.0;
};

}  // namespace hnn
