#include "models/flow_model.hpp"

#include "core/error.hpp"
#include "flows/action_loss.hpp"

namespace hnn {

namespace {

struct FlowWorkspace : Model::Workspace {
  Flow::Cache cache;
  Mat z, gz, gx;
  Vec dtheta;
};

}  // namespace

FlowModel::FlowModel(const Section& s, int dim)
    : flow_(make_flow(s, dim)),
      harmonic_(s.get_choice("latent", {"none", "harmonic"}, "none") == "harmonic") {}

void FlowModel::init_params(Rng& rng, VecRef theta) const {
  flow_->init_params(rng, theta.head(flow_->n_params()));
  if (harmonic_) theta.tail(flow_->n()).setZero();
}

std::unique_ptr<Model::Workspace> FlowModel::make_workspace() const {
  auto ws = std::make_unique<FlowWorkspace>();
  ws->cache = flow_->make_cache();
  return ws;
}

double FlowModel::sum_squared_error(ConstVecRef, ConstMatRef, ConstMatRef, Workspace&,
                                    double*) const {
  throw ConfigError("a flow model is trained on trajectories (action loss), not on dx/dt");
}

void FlowModel::predict_field(ConstVecRef, ConstMatRef, Workspace&, MatRef) const {
  throw ConfigError("a flow model has no vector field");
}

// ℓ(T⁻¹(x)) and, through inverse_backward, ∂ℓ/∂θ.
double FlowModel::trajectory_loss(ConstVecRef theta, ConstMatRef x, Workspace& w,
                                  double* grad) const {
  auto& ws = static_cast<FlowWorkspace&>(w);
  ws.z.resize(dim(), x.cols());
  const auto tf = theta.head(flow_->n_params());
  flow_->inverse(tf, x, ws.z, ws.cache, FlowMode::eval);
  const double l = action_loss(ws.z, grad ? &ws.gz : nullptr);
  if (grad) {
    ws.gx.resize(dim(), x.cols());
    ws.dtheta.setZero(n_params());
    flow_->inverse_backward(tf, ws.cache, ws.gz, ws.gx, ws.dtheta.head(flow_->n_params()));
    Eigen::Map<Vec>(grad, n_params()) += ws.dtheta;
  }
  return l;
}

}  // namespace hnn
