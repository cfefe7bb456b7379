// Adapters that let the integrators (integrators/integrator.hpp) follow a trained model.
//   LearnedHamiltonian: H_θ of a model with has_energy() (HNN, separable HNN) as a Hamiltonian,
//     so field() = Ω∇H_θ and symplectic methods (implicit midpoint) apply. Not separable() (a
//     separable HNN's T and V are not exposed), so the explicit symplectic methods refuse it.
//   LearnedField: the predicted dx/dt of any model (the baseline) as a VectorField.
// Each evaluates the model on one column x (dim × 1) and owns the model's workspace and its
// buffers (mutable scratch behind const methods): use one adapter per thread. The model and θ
// are referenced, not copied; they must outlive the adapter (a temporary θ does not compile).
#pragma once

#include <memory>

#include "models/model.hpp"
#include "systems/system.hpp"

namespace hnn {

class LearnedHamiltonian : public Hamiltonian {
 public:
  // Throws ConfigError if MODEL has no learned Hamiltonian or THETA has the wrong size.
  LearnedHamiltonian(const Model& model, const Vec& theta);
  LearnedHamiltonian(const Model& model, Vec&& theta) = delete;
  int dim() const override { return model_.dim(); }
  double energy(ConstVecRef x) const override;                 // H_θ(x)
  void gradient(ConstVecRef x, VecRef grad) const override;    // ∇_x H_θ(x), size dim

 private:
  void evaluate(ConstVecRef x) const;  // fills h_, g_
  const Model& model_;
  const Vec& theta_;
  std::unique_ptr<Model::Workspace> ws_;
  mutable Mat x_, h_, g_;  // (dim × 1), (1 × 1), (dim × 1)
};

class LearnedField : public VectorField {
 public:
  // Throws ConfigError if THETA has the wrong size.
  LearnedField(const Model& model, const Vec& theta);
  LearnedField(const Model& model, Vec&& theta) = delete;
  int dim() const override { return model_.dim(); }
  void field(ConstVecRef x, VecRef dxdt) const override;  // the model's predicted dx/dt

 private:
  const Model& model_;
  const Vec& theta_;
  std::unique_ptr<Model::Workspace> ws_;
  mutable Mat x_, out_;  // (dim × 1)
};

}  // namespace hnn
