#include "nn/residual_mlp.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace hnn {

ResidualMlp::ResidualMlp(const ResidualMlpShape& shape) : s_(shape) {
  if (s_.in < 1 || s_.width < 1 || s_.out < 1 || s_.blocks < 0)
    throw ConfigError("residual MLP: sizes must be >= 1 and blocks >= 0");
  for (int l = 0; l <= s_.blocks + 1; ++l) n_ += static_cast<long>(rows(l)) * (cols(l) + 1);
}

long ResidualMlp::w_off(int layer) const {
  long off = 0;
  for (int l = 0; l < layer; ++l) off += static_cast<long>(rows(l)) * (cols(l) + 1);
  return off;
}

void ResidualMlp::init_params(Rng& rng, double* theta) const {
  MapVec(theta, n_).setZero();
  for (int l = 0; l <= s_.blocks + 1; ++l) dW(l, theta) = orthogonal_matrix(rows(l), cols(l), rng);
}

void ResidualMlp::forward(const double* t, const Mat& x, Mat& y, Cache& c) const {
  c.x = x;
  c.h.resize(static_cast<std::size_t>(s_.blocks + 1));
  c.a.resize(static_cast<std::size_t>(s_.blocks));
  dense_forward(W(0, t), b(0, t), x, c.a0);
  act_forward(s_.act, c.a0, c.h[0]);
  for (int k = 0; k < s_.blocks; ++k)
    residual_forward(s_.act, W(k + 1, t), b(k + 1, t), c.h[k], c.a[k], c.h[k + 1]);
  dense_forward(W(s_.blocks + 1, t), b(s_.blocks + 1, t), c.h[s_.blocks], y);
}

void ResidualMlp::backward(const double* t, const Cache& c, const Mat& dy, double* dt,
                           Mat* dx) const {
  const int L = s_.blocks + 1;
  Mat dh = Mat::Zero(s_.width, dy.cols()), dh_prev;
  dense_backward(W(L, t), c.h[s_.blocks], dy, dW(L, dt), db(L, dt), &dh);
  for (int k = s_.blocks - 1; k >= 0; --k) {
    dh_prev.setZero(s_.width, dy.cols());
    residual_backward(s_.act, W(k + 1, t), c.h[k], c.a[k], dh, dW(k + 1, dt), db(k + 1, dt),
                      dh_prev);
    dh.swap(dh_prev);
  }
  Mat d;
  act_derivative(s_.act, c.a0, d);
  d.array() *= dh.array();  // ∂/∂a0
  dense_backward(W(0, t), c.x, d, dW(0, dt), db(0, dt), dx);
}

}  // namespace hnn
