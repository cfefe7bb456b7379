#include "nn/gaussian_sampler.hpp"

#include <string>

#include "core/error.hpp"

namespace hnn {

namespace {
void check_same(const Mat& a, const Mat& b, const char* what) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw ConfigError(std::string("gaussian sampler: ") + what + " is " + std::to_string(b.rows()) +
                      "x" + std::to_string(b.cols()) + ", mu " + std::to_string(a.rows()) + "x" +
                      std::to_string(a.cols()));
}
}  // namespace

void gaussian_sample(const Mat& mu, const Mat& logvar, const Mat& eps, Mat& z) {
  check_same(mu, logvar, "logvar");
  check_same(mu, eps, "eps");
  z = mu.array() + (0.5 * logvar.array()).exp() * eps.array();
}

void gaussian_sample_backward(const Mat& logvar, const Mat& eps, const Mat& dz, Mat& dmu,
                              Mat& dlogvar) {
  dmu += dz;
  dlogvar.array() += dz.array() * 0.5 * (0.5 * logvar.array()).exp() * eps.array();
}

double gaussian_kl(const Mat& mu, const Mat& logvar) {
  check_same(mu, logvar, "logvar");
  return 0.5 * (mu.array().square() + logvar.array().exp() - 1.0 - logvar.array()).sum();
}

void gaussian_kl_backward(const Mat& mu, const Mat& logvar, double w, Mat& dmu, Mat& dlogvar) {
  dmu += w * mu;
  dlogvar.array() += w * 0.5 * (logvar.array().exp() - 1.0);
}

}  // namespace hnn
