// Activation functions of the MLP, each with its first and second derivative written side by side
// (σ, σ', σ''), evaluated elementwise over Eigen arrays in float or double. The forms avoid
// cancellation: every value and derivative has a small relative error for all finite z, including
// large |z| where σ' and σ'' underflow gracefully to 0 (never NaN).
#pragma once

#include <Eigen/Core>
#include <string>

namespace hnn {

enum class Activation { tanh, softplus, sigmoid, relu };

// "tanh", "softplus", "sigmoid", "relu". Throws ConfigError listing the choices.
Activation activation_from_name(const std::string& name);
std::string activation_name(Activation a);
// False for relu (σ'' is a distribution, not a function): the HNN loss, which needs ∂/∂θ of ∇_x H,
// and Hessian-vector products are refused for it.
bool has_second_derivative(Activation a);

template <class S>
using ArrayX = Eigen::Array<S, Eigen::Dynamic, 1>;

// Elementwise over z (any length): out = σ(z), σ'(z) or σ''(z). out must have z's size; out may be
// z itself. For relu, σ'(0) = 0 and σ'' = 0 (the a.e. derivatives).
template <class S>
void activation(Activation a, const Eigen::Ref<const ArrayX<S>>& z, Eigen::Ref<ArrayX<S>> out);
template <class S>
void activation_grad(Activation a, const Eigen::Ref<const ArrayX<S>>& z, Eigen::Ref<ArrayX<S>> out);
template <class S>
void activation_grad_grad(Activation a, const Eigen::Ref<const ArrayX<S>>& z,
                          Eigen::Ref<ArrayX<S>> out);

// Fused: f = σ(z), df = σ'(z), ddf = σ''(z) (each skipped when null), sharing the exponentials.
// The outputs must not alias z or one another. Allocation-free (works in stack chunks).
template <class S>
void activation_eval(Activation a, const S* z, long n, S* f, S* df, S* ddf);

}  // namespace hnn
