#include "models/learned_field.hpp"

#include <string>

#include "core/error.hpp"

namespace hnn {

namespace {

void check_theta(const Model& m, const Vec& theta) {
  if (theta.size() != m.n_params())
    throw ConfigError("model '" + m.kind() + "': " + std::to_string(theta.size()) +
                      " parameters given, the model has " + std::to_string(m.n_params()));
}

}  // namespace

LearnedHamiltonian::LearnedHamiltonian(const Model& model, const Vec& theta)
    : model_(model), theta_(theta), ws_(model.make_workspace()) {
  if (!model.has_energy())
    throw ConfigError("model '" + model.kind() + "' has no learned Hamiltonian");
  check_theta(model, theta);
  x_.resize(model.dim(), 1);
  h_.resize(1, 1);
  g_.resize(model.dim(), 1);
}

void LearnedHamiltonian::evaluate(ConstVecRef x) const {
  x_.col(0) = x;
  model_.energy_and_gradient(theta_, x_, *ws_, h_, g_);
}

double LearnedHamiltonian::energy(ConstVecRef x) const {
  evaluate(x);
  return h_(0, 0);
}

void LearnedHamiltonian::gradient(ConstVecRef x, VecRef grad) const {
  evaluate(x);
  grad = g_.col(0);
}

LearnedField::LearnedField(const Model& model, const Vec& theta)
    : model_(model), theta_(theta), ws_(model.make_workspace()) {
  check_theta(model, theta);
  x_.resize(model.dim(), 1);
  out_.resize(model.dim(), 1);
}

void LearnedField::field(ConstVecRef x, VecRef dxdt) const {
  x_.col(0) = x;
  model_.predict_field(theta_, x_, *ws_, out_);
  dxdt = out_.col(0);
}

}  // namespace hnn
