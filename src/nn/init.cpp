#include "nn/init.hpp"

#include <Eigen/QR>
#include <cmath>
#include <stdexcept>

#include "core/error.hpp"

namespace hnn {

void check_init_scheme(const std::string& scheme) {
  if (scheme != "orthogonal" && scheme != "glorot_uniform" && scheme != "glorot_normal")
    throw ConfigError("unknown initialisation '" + scheme +
                      "' (choices: orthogonal, glorot_uniform, glorot_normal)");
}

Eigen::MatrixXd orthogonal_matrix(int rows, int cols, Rng& rng) {
  // As torch: factorise the tall orientation (m ≥ k), transpose back for a wide W.
  const bool wide = rows < cols;
  const int m = wide ? cols : rows, k = wide ? rows : cols;
  Eigen::MatrixXd A(m, k);
  for (Eigen::Index i = 0; i < A.size(); ++i) A.data()[i] = rng.normal();
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(A);
  Eigen::MatrixXd Q = qr.householderQ() * Eigen::MatrixXd::Identity(m, k);  // thin Q, m × k
  for (int j = 0; j < k; ++j)
    if (qr.matrixQR()(j, j) < 0) Q.col(j) *= -1.0;  // sign(diag R); a zero diagonal keeps +1
  if (wide) return Q.transpose();
  return Q;
}

template <class S>
void init_params(const MlpShape& shape, const std::string& scheme, Rng& rng,
                 Eigen::Ref<Eigen::Matrix<S, Eigen::Dynamic, 1>> theta) {
  check_init_scheme(scheme);
  const Mlp<S> net(shape);
  if (theta.size() != net.n_params())
    throw std::invalid_argument("init_params: θ has " + std::to_string(theta.size()) +
                                " entries, expected " + std::to_string(net.n_params()));
  theta.setZero();  // biases
  for (int k = 0; k < net.n_layers(); ++k) {
    const int out = shape.sizes[k + 1], in = shape.sizes[k];
    auto W = net.W(k, theta.data());
    if (scheme == "orthogonal") {
      W = orthogonal_matrix(out, in, rng).template cast<S>();
    } else if (scheme == "glorot_uniform") {
      const double a = std::sqrt(6.0 / (in + out));
      for (Eigen::Index i = 0; i < W.size(); ++i) W.data()[i] = static_cast<S>(rng.uniform(-a, a));
    } else {
      const double s = std::sqrt(2.0 / (in + out));
      for (Eigen::Index i = 0; i < W.size(); ++i) W.data()[i] = static_cast<S>(s * rng.normal());
    }
  }
}

template void init_params<double>(const MlpShape&, const std::string&, Rng&,
                                  Eigen::Ref<Eigen::VectorXd>);
template void init_params<float>(const MlpShape&, const std::string&, Rng&,
                                 Eigen::Ref<Eigen::VectorXf>);

}  // namespace hnn
