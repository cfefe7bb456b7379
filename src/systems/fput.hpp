// The Fermi–Pasta–Ulam–Tsingou chain: n unit masses joined by unit springs with the anharmonic
// potential φ(d) = ½d² + α/3 d³ + β/4 d⁴ of the stretch d = q_i − q_{i+1}:
// H = Σ_i ½ p_i² + Σ_springs φ(d).
//   periodic: n springs, q_{n+1} ≡ q_1;
//   fixed:    walls q_0 = q_{n+1} = 0, n + 1 springs (d_0 = −q_1, d_n = q_n).
// Also the normal modes of the linear chain (α = β = 0): an orthogonal U whose rows are the
// modes, Q = U q, P = U p, with frequencies ω_k, and the linear actions I_k of a state.
#pragma once

#include <vector>

#include "systems/system.hpp"

namespace hnn {

struct FputParams {
  int n = 5;            // number of moving masses, >= 2
  double alpha = 0.0;   // cubic coefficient
  double beta = 0.0;    // quartic coefficient, >= 0 (β < 0 makes H unbounded below)
  bool periodic = true;  // false: fixed ends
  // Linear-mode energies E_k of the sampler, one per row of normal_modes(), each >= 0 and 0 for
  // zero-frequency modes. Empty = 1 for the lowest non-zero mode (row 1 periodic, row 0 fixed),
  // 0 for the others.
  std::vector<double> mode_energies{};
  double energy_scale_min = 1.0;  // the sampler scales all E_k by s ~ U[min, max), 0 <= min <= max
  double energy_scale_max = 1.0;
  // > 0: the sampler draws from the canonical ensemble e^{−H/T} of the linear chain instead
  // (exact; needs α = β = 0): Q_k ~ N(0, T/ω_k²), P_k ~ N(0, T) for ω_k > 0, zero-frequency rows
  // 0. 0 (default): the mode-energy sampler.
  double temperature = 0.0;
};

class Fput final : public System {
 public:
  // Throws ConfigError naming the first invalid parameter.
  explicit Fput(const FputParams& params = {});

  // Resolved parameters (mode_energies has n entries).
  const FputParams& params() const { return p_; }

  int dim() const override { return 2 * p_.n; }
  double energy(ConstVecRef x) const override;
  void gradient(ConstVecRef x, VecRef grad) const override;
  // Ω∇H written out: (p, φ'(d_{i−1}) − φ'(d_i)), the same rounding as gradient().
  void field(ConstVecRef x, VecRef dxdt) const override;
  bool separable() const override { return true; }
  void dT_dp(ConstVecRef p, VecRef out) const override;  // p
  void dV_dq(ConstVecRef q, VecRef out) const override;  // φ'(d_i) − φ'(d_{i−1})

  // ω_k of row k of normal_modes(): periodic ω_k = 2|sin(πk/n)|, k = 0..n−1 (ω_0 = 0, and
  // ω_k = ω_{n−k}: the rows are not sorted by frequency); fixed ω_k = 2 sin(π(k+1)/(2(n+1))),
  // k = 0..n−1 (increasing).
  const Vec& frequencies() const { return omega_; }
  // Orthogonal n×n U, rows = normal modes of the linear chain, so that U K Uᵀ = diag(ω²) for the
  // stiffness matrix K of the linear chain. Column j is mass j (j = 0..n−1).
  //   periodic: row 0 = 1/√n; for k = 1..⌊(n−1)/2⌋ row k = √(2/n) cos(2πkj/n) and
  //             row n−k = √(2/n) sin(2πkj/n); for even n row n/2 = (−1)^j/√n.
  //   fixed:    row k−1 = √(2/(n+1)) sin(πkj'/(n+1)), k, j' = j+1 = 1..n.
  const Mat& normal_modes() const { return U_; }
  // I_k = (P_k² + ω_k² Q_k²)/(2ω_k) with (Q, P) = (U q, U p); 0 where ω_k = 0. Constant in time
  // only for the linear chain.
  Vec linear_actions(ConstVecRef x) const;

  std::string name() const override { return "fput"; }
  // n, alpha, beta, periodic (0/1), energy_scale_min, energy_scale_max, mode_energy_<k>.
  std::map<std::string, double> parameters() const override;
  // Sampler "by linear-mode energies": draws s ~ U[energy_scale_min, energy_scale_max), then for
  // every row k with ω_k > 0 in order a phase φ_k ~ U[0, 2π) and sets
  // Q_k = √(2 s E_k)/ω_k cos φ_k, P_k = −√(2 s E_k) sin φ_k; zero-frequency rows get Q = P = 0
  // (zero total momentum and centre of mass). Returns q = Uᵀ Q, p = Uᵀ P. The E_k are energies of
  // the linear chain: H equals s Σ E_k only when α = β = 0.
  // With temperature > 0 see FputParams::temperature (2 normal draws per non-zero mode, in row
  // order, Q_k then P_k).
  Vec sample(Rng& rng) const override;

 private:
  FputParams p_;
  Vec omega_;
  Mat U_;
  // φ'(d) = d + α d² + β d³ and φ(d).
  double force(double d) const { return d * (1.0 + d * (p_.alpha + d * p_.beta)); }
  double spring_energy(double d) const {
    return d * d * (0.5 + d * (p_.alpha / 3.0 + d * p_.beta / 4.0));
  }
};

}  // namespace hnn
