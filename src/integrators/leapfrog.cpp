#include "integrators/leapfrog.hpp"

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace hnn {

namespace splitting {

const Hamiltonian& require_separable(const VectorField& f, std::string_view method) {
  const auto* H = dynamic_cast<const Hamiltonian*>(&f);
  if (H == nullptr)
    throw ConfigError(std::string(method) +
                      " needs a Hamiltonian system H = T(p) + V(q); this vector field "
                      "is not a Hamiltonian (use rk4, dopri5 or implicit_midpoint)");
  if (!H->separable())
    throw ConfigError(std::string(method) +
                      " needs a separable Hamiltonian H = T(p) + V(q); this one is not "
                      "separable (use implicit_midpoint, rk4 or dopri5)");
  return *H;
}

long compose(const Hamiltonian& H, std::span<const double> w, double h, long m, VecRef x,
             Work& work) {
  if (m <= 0 || w.empty()) return 0;
  const Eigen::Index n = H.dof();
  work.size_for(n);
  auto q = x.head(n);
  auto p = x.tail(n);
  const std::size_t s = w.size();

  H.dV_dq(q, work.force);
  long evals = 1;
  // The pending kick: the closing half kick of the previous substep plus the opening half kick of
  // the next one (only the opening half before the first substep).
  double kick = 0.5 * w[0] * h;
  for (long step = 0; step < m; ++step) {
    for (std::size_t i = 0; i < s; ++i) {
      p -= kick * work.force;  // kick
      H.dT_dp(p, work.velocity);
      q += (w[i] * h) * work.velocity;  // drift
      H.dV_dq(q, work.force);
      evals += 2;
      kick = 0.5 * (w[i] + w[i + 1 < s ? i + 1 : 0]) * h;
    }
  }
  p -= (0.5 * w[s - 1] * h) * work.force;  // closing half kick
  return evals;
}

}  // namespace splitting

namespace {
constexpr std::string_view kName = "leapfrog";
}  // namespace

void Leapfrog::check(const VectorField& f) const { splitting::require_separable(f, kName); }

void Leapfrog::step(const VectorField& f, double h, VecRef x) { advance(f, h, 1, x); }

void Leapfrog::advance(const VectorField& f, double h, long m, VecRef x) {
  static constexpr double kWeights[] = {1.0};
  stats_.evals +=
      splitting::compose(splitting::require_separable(f, kName), kWeights, h, m, x, work_);
}

}  // namespace hnn
