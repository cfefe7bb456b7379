#include "nn/activation.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "core/error.hpp"

namespace hnn {

Activation activation_from_name(const std::string& name) {
  if (name == "tanh") return Activation::tanh;
  if (name == "softplus") return Activation::softplus;
  if (name == "sigmoid") return Activation::sigmoid;
  if (name == "relu") return Activation::relu;
  throw ConfigError("unknown activation '" + name + "' (choices: tanh, softplus, sigmoid, relu)");
}

std::string activation_name(Activation a) {
  switch (a) {
    case Activation::tanh:
      return "tanh";
    case Activation::softplus:
      return "softplus";
    case Activation::sigmoid:
      return "sigmoid";
    case Activation::relu:
      return "relu";
  }
  return "?";
}

bool has_second_derivative(Activation a) { return a != Activation::relu; }

namespace {

// Elementwise work is done in chunks held on the stack: cache-resident, no heap. The costly
// parts (exp, log, division) are whole-chunk Eigen expressions, which Eigen vectorises; the
// branches (signs, exact special cases) are separate plain loops, because Eigen 3.4 evaluates
// any expression containing select() or sign() one scalar at a time (std::exp per element).
constexpr long kChunk = 256;
template <class S>
using Chunk = Eigen::Array<S, Eigen::Dynamic, 1, 0, kChunk, 1>;
template <class S>
using Out = Eigen::Map<ArrayX<S>>;

// c ? x : y without a branch (bit masks): the conditions here follow the signs of random data,
// which a branch predictor cannot learn.
template <class S>
S choose(bool c, S x, S y) {
  using U = std::conditional_t<sizeof(S) == 8, std::uint64_t, std::uint32_t>;
  const U m = U(0) - static_cast<U>(c);
  return std::bit_cast<S>((std::bit_cast<U>(x) & m) | (std::bit_cast<U>(y) & ~m));
}

// e = exp(t) for t ≤ 0, flushed to 0 below the smallest normal number. Eigen's vectorised exp
// clamps its argument (about −709.8 in double), so without the flush exp(−1600) would be 5.6e−309.
template <class S>
void exp_nonpos(const Chunk<S>& t, Chunk<S>& e) {
  const S lo = std::log(std::numeric_limits<S>::min());
  e = t.exp();
  for (long i = 0; i < t.size(); ++i) e[i] = choose(t[i] < lo, S(0), e[i]);
}

// r = tanh(a) for a ≥ 0 given e = exp(−2a) and inv = 1 / (1 + e), without a cancelling 1 − e:
// (1 − e)/(1 + e) for a ≥ 0.625 (there 1 − e ≥ 0.71), else Cephes' minimax rational
// a + a s P(s)/Q(s), s = a² (relative error ≲ 1 ulp; the form of Go's math.Tanh). One exp for the
// whole activation: Eigen has no vectorised tanh, expm1 or log1p for double.
template <class S>
void tanh_abs(const Chunk<S>& a, const Chunk<S>& e, const Chunk<S>& inv, Chunk<S>& r) {
  const S p0 = S(-9.64399179425052238628e-1), p1 = S(-9.92877231001918586564e1),
          p2 = S(-1.61468768441708447952e3);
  const S q0 = S(1.12811678491632931402e2), q1 = S(2.23548839060100448583e3),
          q2 = S(4.84406305325125486048e3);
  const Chunk<S> s = a.square();
  const Chunk<S> small = a + a * s * ((p0 * s + p1) * s + p2) / (((s + q0) * s + q1) * s + q2);
  r = (S(1) - e) * inv;
  for (long i = 0; i < a.size(); ++i) r[i] = choose(a[i] < S(0.625), small[i], r[i]);
}

// r = log1p(e) for e ∈ [0, 1] (Goldberg: log(u)·e / (u − 1) with u = 1 + e, u − 1 exact).
template <class S>
void log1p_unit(const Chunk<S>& e, Chunk<S>& r) {
  const Chunk<S> u = S(1) + e;
  r = u.log() * e / (u - S(1));  // NaN where u = 1: fixed below
  for (long i = 0; i < e.size(); ++i) r[i] = choose(u[i] == S(1), e[i], r[i]);
}

// out = x with the sign of z, for x ≥ 0 (so −0 for z = −0, as tanh(−0) = −0).
template <class S>
void with_sign_of(const Chunk<S>& z, const Chunk<S>& x, S* out) {
  for (long i = 0; i < z.size(); ++i) out[i] = std::copysign(x[i], z[i]);
}

// out = (z ≥ 0 ? 1 : e) · inv: the logistic function from e = exp(−|z|) and inv = 1 / (1 + e).
template <class S>
void logistic(const Chunk<S>& z, const Chunk<S>& e, const Chunk<S>& inv, S* out) {
  for (long i = 0; i < z.size(); ++i) out[i] = choose(z[i] >= S(0), inv[i], e[i] * inv[i]);
}

// ---- tanh ---------------------------------------------------------------------------------------
// With e = exp(−2|z|) ∈ [0, 1]:
//   σ   = tanh z = sign(z)·tanh|z|                (tanh_abs: no cancellation near 0)
//   σ'  = 1 − tanh² z = 4e / (1 + e)²            (no 1 − σ² cancellation at large |z|)
//   σ'' = −2 σ σ'
template <class S>
void tanh_chunk(const Chunk<S>& z, S* f, S* df, S* ddf) {
  const long m = z.size();
  const Chunk<S> a = z.abs();
  Chunk<S> e(m), ta(m), h(m);
  exp_nonpos<S>(S(-2) * a, e);
  const Chunk<S> inv = S(1) / (S(1) + e);
  const Chunk<S> d = S(4) * e * inv.square();
  if (f || ddf) {
    tanh_abs<S>(a, e, inv, ta);
    with_sign_of<S>(z, ta, h.data());
  }
  if (f) Out<S>(f, m) = h;
  if (df) Out<S>(df, m) = d;
  if (ddf) Out<S>(ddf, m) = S(-2) * h * d;
}

// ---- softplus -----------------------------------------------------------------------------------
// With e = exp(−|z|) ∈ [0, 1]:
//   σ   = log(1 + eᶻ) = max(z, 0) + log1p(e)
//   σ'  = sigmoid z   = (z ≥ 0 ? 1 : e) / (1 + e)
//   σ'' = sigmoid z · sigmoid(−z) = e / (1 + e)²
template <class S>
void softplus_chunk(const Chunk<S>& z, S* f, S* df, S* ddf) {
  const long m = z.size();
  Chunk<S> e(m), lp(m);
  exp_nonpos<S>(-z.abs(), e);
  const Chunk<S> inv = S(1) / (S(1) + e);
  if (f) {
    log1p_unit<S>(e, lp);
    Out<S>(f, m) = z.max(S(0)) + lp;
  }
  if (df) logistic<S>(z, e, inv, df);
  if (ddf) Out<S>(ddf, m) = e * inv.square();
}

// ---- sigmoid ------------------------------------------------------------------------------------
// With e = exp(−|z|) ∈ [0, 1]:
//   σ   = 1 / (1 + e⁻ᶻ) = (z ≥ 0 ? 1 : e) / (1 + e)
//   σ'  = σ (1 − σ)     = e / (1 + e)²
//   σ'' = σ'(1 − 2σ)    = −sign(z) · σ' · tanh(|z|/2)      (1 − 2σ = −tanh(z/2); e = exp(−2·|z|/2))
template <class S>
void sigmoid_chunk(const Chunk<S>& z, S* f, S* df, S* ddf) {
  const long m = z.size();
  const Chunk<S> a = z.abs();
  Chunk<S> e(m), th(m);
  exp_nonpos<S>(-a, e);
  const Chunk<S> inv = S(1) / (S(1) + e);
  const Chunk<S> d = e * inv.square();
  if (f) logistic<S>(z, e, inv, f);
  if (df) Out<S>(df, m) = d;
  if (ddf) {
    tanh_abs<S>(S(0.5) * a, e, inv, th);
    th = d * th;  // −σ'' for z ≥ 0, and ≥ 0
    with_sign_of<S>(z, th, ddf);
    Out<S>(ddf, m) = -Out<S>(ddf, m);
  }
}

// ---- relu ---------------------------------------------------------------------------------------
//   σ = max(z, 0),  σ' = [z > 0],  σ'' = 0   (a.e.; has_second_derivative(relu) is false)
template <class S>
void relu_chunk(const Chunk<S>& z, S* f, S* df, S* ddf) {
  const long m = z.size();
  if (f) Out<S>(f, m) = z.max(S(0));
  if (df)
    for (long i = 0; i < m; ++i) df[i] = choose(z[i] > S(0), S(1), S(0));
  if (ddf) Out<S>(ddf, m).setZero();
}

}  // namespace

template <class S>
void activation_eval(Activation a, const S* z, long n, S* f, S* df, S* ddf) {
  for (long i = 0; i < n; i += kChunk) {
    const long m = std::min(kChunk, n - i);
    // A copy of the chunk: outputs may then alias z (single-output calls rely on it).
    const Chunk<S> zc = Eigen::Map<const ArrayX<S>>(z + i, m);
    S* fi = f ? f + i : nullptr;
    S* dfi = df ? df + i : nullptr;
    S* ddfi = ddf ? ddf + i : nullptr;
    switch (a) {
      case Activation::tanh:
        tanh_chunk<S>(zc, fi, dfi, ddfi);
        break;
      case Activation::softplus:
        softplus_chunk<S>(zc, fi, dfi, ddfi);
        break;
      case Activation::sigmoid:
        sigmoid_chunk<S>(zc, fi, dfi, ddfi);
        break;
      case Activation::relu:
        relu_chunk<S>(zc, fi, dfi, ddfi);
        break;
    }
  }
}

namespace {
template <class S>
void check_sizes(const Eigen::Ref<const ArrayX<S>>& z, const Eigen::Ref<ArrayX<S>>& out) {
  if (z.size() != out.size())
    throw std::invalid_argument("activation: output size differs from input");
}
}  // namespace

template <class S>
void activation(Activation a, const Eigen::Ref<const ArrayX<S>>& z, Eigen::Ref<ArrayX<S>> out) {
  check_sizes<S>(z, out);
  activation_eval<S>(a, z.data(), static_cast<long>(z.size()), out.data(), nullptr, nullptr);
}

template <class S>
void activation_grad(Activation a, const Eigen::Ref<const ArrayX<S>>& z,
                     Eigen::Ref<ArrayX<S>> out) {
  check_sizes<S>(z, out);
  activation_eval<S>(a, z.data(), static_cast<long>(z.size()), nullptr, out.data(), nullptr);
}

template <class S>
void activation_grad_grad(Activation a, const Eigen::Ref<const ArrayX<S>>& z,
                          Eigen::Ref<ArrayX<S>> out) {
  check_sizes<S>(z, out);
  activation_eval<S>(a, z.data(), static_cast<long>(z.size()), nullptr, nullptr, out.data());
}

#define HNN_INSTANTIATE(S)                                                              \
  template void activation_eval<S>(Activation, const S*, long, S*, S*, S*);             \
  template void activation<S>(Activation, const Eigen::Ref<const ArrayX<S>>&,           \
                              Eigen::Ref<ArrayX<S>>);                                   \
  template void activation_grad<S>(Activation, const Eigen::Ref<const ArrayX<S>>&,      \
                                   Eigen::Ref<ArrayX<S>>);                              \
  template void activation_grad_grad<S>(Activation, const Eigen::Ref<const ArrayX<S>>&, \
                                        Eigen::Ref<ArrayX<S>>);
HNN_INSTANTIATE(double)
HNN_INSTANTIATE(float)
#undef HNN_INSTANTIATE

}  // namespace hnn
