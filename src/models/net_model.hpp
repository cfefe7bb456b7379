// What the MLP-based models (HNN, separable HNN, baseline) share: the state dimension, the
// network spec, one network shape, and COPIES networks of that shape stored one after the other
// in θ (the separable HNN has two: T and V). Initialisation draws each copy in turn from the RNG.
// HamiltonianNetModel adds the field of a learned Hamiltonian, Ω∇_x H_θ.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/model.hpp"
#include "nn/activation.hpp"
#include "nn/mlp.hpp"

namespace hnn {

struct NetSpec {
  std::vector<int> hidden{200, 200};
  Activation act = Activation::tanh;
  std::string init = "orthogonal";
  bool last_bias = false;
};

// (n_in, hidden..., n_out) with the spec's activation and last-layer bias.
MlpShape net_shape(int n_in, const NetSpec& spec, int n_out);

template <class S>
class NetModel : public Model {
 public:
  NetModel(int dim, const NetSpec& spec, const MlpShape& shape, int copies = 1);
  long n_params() const override { return copies_ * net_.n_params(); }
  int dim() const override { return dim_; }
  void init_params(Rng& rng, VecRef theta) const override;
  std::unique_ptr<Workspace> make_workspace() const override;

 protected:
  int dim_;
  NetSpec spec_;
  Mlp<S> net_;
  int copies_;
};

template <class S>
class HamiltonianNetModel : public NetModel<S> {
 public:
  using NetModel<S>::NetModel;
  bool has_energy() const override { return true; }
  // (∂H/∂p, −∂H/∂q) from energy_and_gradient.
  void predict_field(ConstVecRef theta, ConstMatRef x, Model::Workspace& ws,
                     MatRef out) const override;
};

}  // namespace hnn
