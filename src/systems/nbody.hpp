// Newtonian gravity of N point masses in d dimensions:
// H = Σ_i |p_i|²/(2 m_i) − Σ_{i<j} G m_i m_j / |q_i − q_j|.
// State layout (system.hpp): q = (x of bodies 1..N, y of bodies 1..N[, z ...]), p likewise.
// The samplers reproduce the initial conditions of the Greydanus et al. reference code
// (greydanus/hamiltonian-nn, random_config() of the two-body and of the three-body experiment):
// near-circular two-body orbits and rotating equilateral three-body configurations in 2D, with
// the same parameters and noise models (not the same random numbers: draws come from Rng).
#pragma once

#include <optional>
#include <vector>

#include "systems/system.hpp"

namespace hnn {

struct NBodyParams {
  int bodies = 2;  // N >= 2
  int dim = 2;     // 1, 2 or 3
  double G = 1.0;  // > 0
  std::vector<double> masses{};  // empty = all 1; else one per body, each > 0
  // Sampler ranges; unset = the reference value for the number of bodies:
  // 2 bodies: r in [0.5, 1.5], velocity_noise 0.05; 3 bodies: r in [0.9, 1.2], noise 0.2.
  std::optional<double> r_min{}, r_max{}, velocity_noise{};
  // Not in the reference: after the noise, subtract the centre-of-mass velocity from every body,
  // so that the total momentum is zero (the reference's three-body states carry a small net
  // momentum from the independent per-component noise).
  bool zero_momentum = false;

  // The parameters with r_min, r_max and velocity_noise set to the reference values for
  // `bodies` bodies (left unset for other counts).
  static NBodyParams reference(int bodies);
};

class NBody final : public System {
 public:
  // Resolves the sampler defaults and throws ConfigError naming the first invalid parameter.
  explicit NBody(const NBodyParams& params = {});

  // Resolved parameters: masses has one entry per body; r_min, r_max and velocity_noise are
  // set when bodies is 2 or 3 or when given.
  const NBodyParams& params() const { return p_; }
  int bodies() const { return p_.bodies; }
  int space_dim() const { return p_.dim; }
  const std::vector<double>& masses() const { return p_.masses; }

  int dim() const override { return 2 * p_.bodies * p_.dim; }
  double energy(ConstVecRef x) const override;
  void gradient(ConstVecRef x, VecRef grad) const override;
  // Ω∇H written out (no gradient + swap), the same rounding as gradient().
  void field(ConstVecRef x, VecRef dxdt) const override;
  bool separable() const override { return true; }
  void dT_dp(ConstVecRef p, VecRef out) const override;  // p_i / m_i
  void dV_dq(ConstVecRef q, VecRef out) const override;  // Σ_j G m_i m_j (q_i − q_j)/|q_i − q_j|³

  // Σ_i p_i (size dim).
  Eigen::VectorXd total_momentum(ConstVecRef x) const;
  // Σ_i m_i q_i / Σ_i m_i (size dim).
  Eigen::VectorXd centre_of_mass(ConstVecRef x) const;

  std::string name() const override { return "nbody"; }
  // bodies, dim, G, mass_<i>, zero_momentum (0/1), and r_min, r_max, velocity_noise when set.
  std::map<std::string, double> parameters() const override;

  // dim = 2 only; throws ConfigError for other dimensions, for bodies other than 2 and 3, and
  // when a sampler range is unset. Momenta are p_i = m_i v_i.
  //
  // Two bodies (reference two-body random_config()): draws pos_x, pos_y ~ U[r_min, r_max) each,
  // then one n ~ N(0, 1). r = |pos|, v = (−pos_y, pos_x) / (2 r^1.5) (the circular speed
  // 1/(2√r) for G = m = 1), v *= 1 + velocity_noise · n. Body 1 is at (pos, v), body 2 at
  // (−pos, −v), so for equal masses the centre of mass and the total momentum are zero.
  //
  // Three bodies (reference three-body random_config()): draws an angle φ ~ U[0, 2π), then
  // r ~ U[r_min, r_max). q_1 = r (cos φ, sin φ), q_2 = R(2π/3) q_1, q_3 = R(2π/3) q_2
  // (R(θ) the counter-clockwise rotation), an equilateral triangle centred at the origin.
  // v_1 = R(π/2) q_1 / r^1.5 · √(sin(π/3) / (2 cos²(π/6))) (the circular speed for G = m = 1),
  // v_2 = R(2π/3) v_1, v_3 = R(2π/3) v_2. Then for bodies 1, 2, 3 and components x, y in that
  // order, v_i,c *= 1 + velocity_noise · u with u ~ U[−1, 1) drawn independently. (The reference
  // draws the direction as a normalised U[−1, 1)² vector, not uniform in angle; here the angle
  // is uniform.) With zero_momentum the mass-weighted mean velocity is then subtracted.
  Vec sample(Rng& rng) const override;

 private:
  NBodyParams p_;
  std::vector<double> inv_masses_;

  void store(Vec& x, int body, const double q[2], const double v[2]) const;
};

}  // namespace hnn
