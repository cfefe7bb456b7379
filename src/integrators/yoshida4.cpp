#include "integrators/yoshida4.hpp"

#include <cmath>
#include <span>
#include <string_view>

namespace hnn {

namespace {

struct YoshidaWeights {
  double w[3];
  YoshidaWeights() {
    const double c = std::cbrt(2.0);
    const double w1 = 1.0 / (2.0 - c);
    const double w0 = -c / (2.0 - c);
    w[0] = w1;
    w[1] = w0;
    w[2] = w1;
  }
};

constexpr std::string_view kName = "yoshida4";

}  // namespace

std::span<const double, 3> Yoshida4::weights() {
  static const YoshidaWeights w;  // initialised on first use (thread-safe)
  return std::span<const double, 3>(w.w);
}

void Yoshida4::check(const VectorField& f) const { splitting::require_separable(f, kName); }

void Yoshida4::step(const VectorField& f, double h, VecRef x) { advance(f, h, 1, x); }

void Yoshida4::advance(const VectorField& f, double h, long m, VecRef x) {
  stats_.evals +=
      splitting::compose(splitting::require_separable(f, kName), weights(), h, m, x, work_);
}

}  // namespace hnn
