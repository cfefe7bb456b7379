#include "integrators/rk4.hpp"

namespace hnn {

void Rk4::step(const VectorField& f, double h, VecRef x) {
  const Eigen::Index d = f.dim();
  if (k1_.size() != d) {
    k1_.resize(d);
    k2_.resize(d);
    k3_.resize(d);
    k4_.resize(d);
    tmp_.resize(d);
  }
  f.field(x, k1_);
  tmp_ = x + (0.5 * h) * k1_;
  f.field(tmp_, k2_);
  tmp_ = x + (0.5 * h) * k2_;
  f.field(tmp_, k3_);
  tmp_ = x + h * k3_;
  f.field(tmp_, k4_);
  x += (h / 6.0) * (k1_ + 2.0 * (k2_ + k3_) + k4_);
  stats_.evals += 4;
}

}  // namespace hnn
