#include "nn/mlp.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "core/error.hpp"

namespace hnn {

namespace {

void require(bool ok, const std::string& msg) {
  if (!ok) throw std::invalid_argument("Mlp: " + msg);
}

std::string dims(Eigen::Index r, Eigen::Index c) {
  return std::to_string(r) + "x" + std::to_string(c);
}

template <class M>
void require_shape(const M& m, Eigen::Index rows, Eigen::Index cols, const char* name) {
  require(m.rows() == rows && m.cols() == cols,
          std::string(name) + " is " + dims(m.rows(), m.cols()) + ", expected " + dims(rows, cols));
}

}  // namespace

template <class S>
Mlp<S>::Mlp(MlpShape shape) : shape_(std::move(shape)) {
  const auto& n = shape_.sizes;
  if (n.size() < 2) throw ConfigError("MLP needs at least an input and an output size");
  for (int v : n)
    if (v < 1) throw ConfigError("MLP layer size " + std::to_string(v) + " is not positive");
  const int L = n_layers();
  w_off_.resize(L);
  b_off_.resize(L);
  long off = 0;
  for (int k = 0; k < L; ++k) {
    w_off_[k] = off;
    off += static_cast<long>(n[k + 1]) * n[k];
    b_off_[k] = off;
    if (has_bias(k)) off += n[k + 1];
  }
  n_params_ = off;
}

template <class S>
Eigen::Map<const typename Mlp<S>::Mat> Mlp<S>::W(int k, const S* theta) const {
  return {theta + w_off_[k], shape_.sizes[k + 1], shape_.sizes[k]};
}
template <class S>
Eigen::Map<typename Mlp<S>::Mat> Mlp<S>::W(int k, S* theta) const {
  return {theta + w_off_[k], shape_.sizes[k + 1], shape_.sizes[k]};
}
template <class S>
Eigen::Map<const typename Mlp<S>::Vec> Mlp<S>::b(int k, const S* theta) const {
  return {theta + b_off_[k], has_bias(k) ? shape_.sizes[k + 1] : 0};
}
template <class S>
Eigen::Map<typename Mlp<S>::Vec> Mlp<S>::b(int k, S* theta) const {
  return {theta + b_off_[k], has_bias(k) ? shape_.sizes[k + 1] : 0};
}

template <class S>
void Mlp<S>::check_theta(const ConstVecRef& theta) const {
  require(theta.size() == n_params_, "θ has " + std::to_string(theta.size()) +
                                         " entries, expected " + std::to_string(n_params_));
}

template <class S>
void Mlp<S>::require_scalar(const char* what) const {
  require(n_out() == 1, std::string(what) + " needs a scalar network (last size 1), not " +
                            std::to_string(n_out()) + " outputs");
}

template <class S>
void Mlp<S>::require_second_derivative(const char* what) const {
  if (!has_second_derivative(shape_.act))
    throw ConfigError(std::string(what) + " needs the second derivative of the activation, and '" +
                      activation_name(shape_.act) +
                      "' has none (its gradient-based loss would be blind to the hidden layers); "
                      "choose tanh, softplus or sigmoid");
}

// Sizes the cache for batch B (a no-op when it already is).
template <class S>
void Mlp<S>::prepare(Cache& c, Eigen::Index B) const {
  const int L = n_layers();
  const auto& n = shape_.sizes;
  const bool same = c.batch_ == B && static_cast<int>(c.Q.size()) == L && [&] {
    for (int i = 0; i < L; ++i)
      if (c.Q[i].rows() != n[i]) return false;
    return true;
  }();
  if (same) return;
  c.Q.assign(L, Mat());
  c.Z.assign(L, Mat());
  c.Sd.assign(L, Mat());
  c.T.assign(L, Mat());
  c.P.assign(L, Mat());
  for (int i = 0; i < L; ++i) {
    c.Q[i].resize(n[i], 2 * B);
    if (i == 0) continue;
    c.Z[i].resize(n[i], B);
    c.Sd[i].resize(n[i], B);
    c.T[i].resize(n[i], B);
    c.P[i].resize(n[i], 2 * B);
  }
  c.batch_ = B;
  c.pass_ = Cache::Pass::none;
}

// ---- generic passes ---------------------------------------------------------------------------

template <class S>
void Mlp<S>::forward(ConstVecRef theta, ConstMatRef X, MatRef Y, Cache& c) const {
  check_theta(theta);
  const Eigen::Index B = X.cols();
  require_shape(X, n_in(), B, "X");
  require_shape(Y, n_out(), B, "Y");
  prepare(c, B);
  const int L = n_layers();
  const S* th = theta.data();
  c.Q[0].leftCols(B) = X;
  for (int i = 1; i < L; ++i) {
    c.Z[i].noalias() = W(i - 1, th) * c.Q[i - 1].leftCols(B);  // a_i
    c.Z[i].colwise() += b(i - 1, th);
    activation_eval<S>(shape_.act, c.Z[i].data(), c.Z[i].size(), c.Q[i].data(), c.Sd[i].data(),
                       nullptr);
  }
  Y.noalias() = W(L - 1, th) * c.Q[L - 1].leftCols(B);
  if (has_bias(L - 1)) Y.colwise() += b(L - 1, th);
  c.pass_ = Cache::Pass::forward;
}

template <class S>
void Mlp<S>::backward(ConstVecRef theta, Cache& c, ConstMatRef dY, VecRef dtheta) const {
  check_theta(theta);
  require(c.pass_ != Cache::Pass::none, "backward before forward");
  require_shape(dY, n_out(), c.batch_, "dY");
  require(dtheta.size() == n_params_, "dθ has the wrong size");
  const int L = n_layers();
  const Eigen::Index B = c.batch_;
  const S* th = theta.data();
  S* dth = dtheta.data();
  // Output layer: δ_L = dY.
  W(L - 1, dth).noalias() += dY * c.Q[L - 1].leftCols(B).transpose();
  if (has_bias(L - 1)) b(L - 1, dth).noalias() += dY.rowwise().sum();
  if (L == 1) return;
  // δ_{L−1} = σ'(a_{L−1}) ⊙ W_{L−1}ᵀ δ_L, then down the hidden layers; δ_i lives in Z[i].
  c.Z[L - 1].noalias() = W(L - 1, th).transpose() * dY;
  c.Z[L - 1].array() *= c.Sd[L - 1].array();
  for (int i = L - 1; i >= 1; --i) {
    W(i - 1, dth).noalias() += c.Z[i] * c.Q[i - 1].leftCols(B).transpose();
    b(i - 1, dth).noalias() += c.Z[i].rowwise().sum();
    if (i > 1) {
      c.Z[i - 1].noalias() = W(i - 1, th).transpose() * c.Z[i];
      c.Z[i - 1].array() *= c.Sd[i - 1].array();
    }
  }
}

template <class S>
void Mlp<S>::backward(ConstVecRef theta, Cache& c, ConstMatRef dY, VecRef dtheta, MatRef dX) const {
  require_shape(dX, n_in(), c.batch_, "dX");
  backward(theta, c, dY, dtheta);
  const int L = n_layers();
  // backward() left δ_1 in Z[1] (or used δ = dY directly for a single layer).
  if (L == 1)
    dX.noalias() += W(0, theta.data()).transpose() * dY;
  else
    dX.noalias() += W(0, theta.data()).transpose() * c.Z[1];
}

// ---- scalar network ---------------------------------------------------------------------------
//
// Notation (i = 1..L−1 are the hidden widths; W_{i−1} maps width i−1 to width i; w = W_{L−1} is
// 1 × n_{L−1} and β its bias):
//   forward     a_i = W_{i−1} h_{i−1} + b_{i−1},  h_i = σ(a_i),  H = w h_{L−1} + β
//   input grad  g_{L−1} = wᵀ,  δ_i = σ'(a_i) ⊙ g_i,  g_{i−1} = W_{i−1}ᵀ δ_i,  G = g_0
// The parameter gradient of L(H, G) is the adjoint of both chains. The adjoint of the input-grad
// chain runs forward through the layers with the tangent u_0 = dG:
//   v_i = W_{i−1} u_{i−1},  u_i = σ'(a_i) ⊙ v_i,
// contributing ∂L/∂W_{i−1} ∋ δ_i u_{i−1}ᵀ and ∂L/∂w ∋ (Σ_batch u_{L−1})ᵀ, and, through σ'(a_i),
// the adjoint σ''(a_i) ⊙ g_i ⊙ v_i of a_i. Then an ordinary backward pass seeded with dH carries
// both:
//   ā_{L−1} = σ'(a_{L−1}) ⊙ (wᵀ dH) + σ''(a_{L−1}) ⊙ g_{L−1} ⊙ v_{L−1}
//   ā_i     = σ'(a_i) ⊙ (W_iᵀ ā_{i+1}) + σ''(a_i) ⊙ g_i ⊙ v_i
//   ∂L/∂W_{i−1} += ā_i h_{i−1}ᵀ + δ_i u_{i−1}ᵀ = [ā_i | δ_i] [h_{i−1} | u_{i−1}]ᵀ   (one GEMM,
//                                                                            K = 2B)
//   ∂L/∂b_{i−1} += Σ_batch ā_i
//   ∂L/∂w += dH h_{L−1}ᵀ + (Σ_batch u_{L−1})ᵀ,   ∂L/∂β += Σ_batch dH
// Cost for widths n_i: about 6 GEMMs of n_i × n_{i−1} × B per layer against 1 for the forward pass.

template <class S>
void Mlp<S>::forward_with_input_grad(ConstVecRef theta, ConstMatRef X, MatRef H, MatRef G,
                                     Cache& c) const {
  require_scalar("forward_with_input_grad");
  check_theta(theta);
  const Eigen::Index B = X.cols();
  require_shape(X, n_in(), B, "X");
  require_shape(H, 1, B, "H");
  require_shape(G, n_in(), B, "G");
  prepare(c, B);
  const int L = n_layers();
  const S* th = theta.data();
  const bool second = has_second_derivative(shape_.act);
  c.Q[0].leftCols(B) = X;
  for (int i = 1; i < L; ++i) {
    c.Z[i].noalias() = W(i - 1, th) * c.Q[i - 1].leftCols(B);  // a_i
    c.Z[i].colwise() += b(i - 1, th);
    activation_eval<S>(shape_.act, c.Z[i].data(), c.Z[i].size(), c.Q[i].data(), c.Sd[i].data(),
                       second ? c.T[i].data() : nullptr);  // h_i, σ'(a_i), σ''(a_i)
  }
  H.noalias() = W(L - 1, th) * c.Q[L - 1].leftCols(B);
  if (has_bias(L - 1)) H.array() += b(L - 1, th)(0);

  // w as a column (W_{L−1} is 1 × n_{L−1}, contiguous).
  const Eigen::Map<const ArrayX<S>> w(th + w_off_[L - 1], shape_.sizes[L - 1]);
  if (L == 1) {
    G.colwise() = w.matrix();
  } else {
    auto delta_top = c.P[L - 1].rightCols(B).array();
    delta_top = c.Sd[L - 1].array().colwise() * w;  // δ_{L−1} = σ'(a_{L−1}) ⊙ wᵀ
    if (second) c.T[L - 1].array().colwise() *= w;  // σ''(a_{L−1}) ⊙ g_{L−1}
    for (int i = L - 1; i >= 2; --i) {
      c.Z[i - 1].noalias() = W(i - 1, th).transpose() * c.P[i].rightCols(B);  // g_{i−1}
      c.P[i - 1].rightCols(B).array() = c.Sd[i - 1].array() * c.Z[i - 1].array();
      if (second) c.T[i - 1].array() *= c.Z[i - 1].array();
    }
    G.noalias() = W(0, th).transpose() * c.P[1].rightCols(B);
  }
  c.pass_ = Cache::Pass::fused;
}

template <class S>
void Mlp<S>::backward_through_input_grad(ConstVecRef theta, Cache& c, ConstMatRef dH,
                                         ConstMatRef dG, VecRef dtheta) const {
  require_scalar("backward_through_input_grad");
  require_second_derivative("backward_through_input_grad (∂/∂θ of a loss on ∇_x H)");
  check_theta(theta);
  require(c.pass_ == Cache::Pass::fused,
          "backward_through_input_grad before forward_with_input_grad");
  const Eigen::Index B = c.batch_;
  require_shape(dH, 1, B, "dH");
  require_shape(dG, n_in(), B, "dG");
  require(dtheta.size() == n_params_, "dθ has the wrong size");
  const int L = n_layers();
  const S* th = theta.data();
  S* dth = dtheta.data();

  // Tangent pass: u_0 = dG, v_i = W_{i−1} u_{i−1} (in Z[i]), u_i = σ'(a_i) ⊙ v_i (in Q[i] right).
  c.Q[0].rightCols(B) = dG;
  for (int i = 1; i < L; ++i) {
    c.Z[i].noalias() = W(i - 1, th) * c.Q[i - 1].rightCols(B);
    c.Q[i].rightCols(B).array() = c.Sd[i].array() * c.Z[i].array();
  }
  // Output layer: ∂L/∂w += dH h_{L−1}ᵀ + (Σ_batch u_{L−1})ᵀ, ∂L/∂β += Σ dH.
  auto dw = W(L - 1, dth);  // 1 × n_{L−1}
  dw.noalias() += dH * c.Q[L - 1].leftCols(B).transpose();
  dw.noalias() += c.Q[L - 1].rightCols(B).rowwise().sum().transpose();
  if (has_bias(L - 1)) b(L - 1, dth)(0) += dH.sum();
  if (L == 1) return;

  // Backward pass: ā_i in P[i] left, next to δ_i in P[i] right.
  const Eigen::Map<const Vec> w(th + w_off_[L - 1], shape_.sizes[L - 1]);
  c.P[L - 1].leftCols(B).noalias() = w * dH;  // ∂L/∂h_{L−1}
  for (int i = L - 1; i >= 1; --i) {
    auto abar = c.P[i].leftCols(B).array();
    abar = c.Sd[i].array() * abar + c.T[i].array() * c.Z[i].array();
    W(i - 1, dth).noalias() += c.P[i] * c.Q[i - 1].transpose();
    b(i - 1, dth).noalias() += c.P[i].leftCols(B).rowwise().sum();
    if (i > 1) c.P[i - 1].leftCols(B).noalias() = W(i - 1, th).transpose() * c.P[i].leftCols(B);
  }
}

// Forward-mode derivative of the input-grad chain along V (x → x + εV):
//   ȧ_i = W_{i−1} ḣ_{i−1} (ḣ_0 = V),  ḣ_i = σ'(a_i) ⊙ ȧ_i,
//   δ̇_{L−1} = σ''(a_{L−1}) ⊙ g_{L−1} ⊙ ȧ_{L−1},  ġ_{i−1} = W_{i−1}ᵀ δ̇_i,
//   δ̇_i = σ''(a_i) ⊙ g_i ⊙ ȧ_i + σ'(a_i) ⊙ ġ_i,   HV = ġ_0.
template <class S>
void Mlp<S>::hvp(ConstVecRef theta, ConstMatRef X, ConstMatRef V, MatRef HV, Cache& c) const {
  require_scalar("hvp");
  require_second_derivative("hvp (∇²_x H · v)");
  const Eigen::Index B = X.cols();
  require_shape(V, n_in(), B, "V");
  require_shape(HV, n_in(), B, "HV");
  if (c.H.cols() != B) {
    c.H.resize(1, B);
    c.G.resize(n_in(), B);
  }
  forward_with_input_grad(theta, X, c.H, c.G, c);
  hvp_after_forward(theta, V, HV, c);
}

template <class S>
void Mlp<S>::hvp_after_forward(ConstVecRef theta, ConstMatRef V, MatRef HV, Cache& c) const {
  require_scalar("hvp");
  require_second_derivative("hvp (∇²_x H · v)");
  check_theta(theta);
  require(c.pass_ == Cache::Pass::fused, "hvp_after_forward before forward_with_input_grad");
  const Eigen::Index B = c.batch_;
  require_shape(V, n_in(), B, "V");
  require_shape(HV, n_in(), B, "HV");
  const int L = n_layers();
  const S* th = theta.data();
  if (L == 1) {
    HV.setZero();  // H is linear in x
    return;
  }
  c.Q[0].rightCols(B) = V;
  for (int i = 1; i < L; ++i) {
    c.Z[i].noalias() = W(i - 1, th) * c.Q[i - 1].rightCols(B);       // ȧ_i
    c.Q[i].rightCols(B).array() = c.Sd[i].array() * c.Z[i].array();  // ḣ_i
  }
  c.P[L - 1].leftCols(B).array() = c.T[L - 1].array() * c.Z[L - 1].array();  // δ̇_{L−1}
  for (int i = L - 1; i >= 2; --i) {
    auto d = c.P[i - 1].leftCols(B);
    d.noalias() = W(i - 1, th).transpose() * c.P[i].leftCols(B);  // ġ_{i−1}
    d.array() = c.Sd[i - 1].array() * d.array() + c.T[i - 1].array() * c.Z[i - 1].array();
  }
  HV.noalias() = W(0, th).transpose() * c.P[1].leftCols(B);
}

template class Mlp<double>;
template class Mlp<float>;

}  // namespace hnn
