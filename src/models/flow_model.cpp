#include "models/flow_model.hpp"

#include "core/error.hpp"
#include "flows/action_loss.hpp"

namespace hnn {

namespace {

struct FlowWorkspace : Model::Workspace {
  Flow::Cache cache;
  Mat z, gz, gx, ga, gb;  // ga, gb: the loss terms' gradients in their column blocks
  Vec dtheta;
};

}  // namespace

FlowModel::FlowModel(const Section& s, int dim)
    : flow_(make_flow(s, dim)),
      harmonic_(s.get_choice("latent", {"none", "harmonic"}, "none") == "harmonic"),
      batch_zc_(s.get_choice("zero_center", {"learned", "batch"}, "learned") == "batch") {
  if (batch_zc_ && !flow_->has_zero_center())
    s.fail("zero_center", "\"batch\" needs a zero_center layer in layers");
}

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

// ℓ(T⁻¹(x)) (or ℓ_rel) [+ w·ℓ_c] [+ w_s·ℓ_s] and, through inverse_backward, ∂/∂θ.
double FlowModel::trajectory_loss(ConstVecRef theta, ConstMatRef x, const TrajectoryTerms& terms,
                                  Workspace& w, double* grad) const {
  auto& ws = static_cast<FlowWorkspace&>(w);
  const long m = terms.angle_weight > 0 ? x.cols() / 2 : x.cols();
  if (terms.angle_weight > 0 && (x.cols() % 2 != 0 || !(terms.angle_dt > 0)))
    throw ConfigError("angle-rate term: needs pairs of states and a time step dt > 0");
  ws.z.resize(dim(), x.cols());
  const auto tf = theta.head(flow_->n_params());
  flow_->inverse(tf, x, ws.z, ws.cache, FlowMode::eval);
  if (grad) ws.gz.setZero(dim(), x.cols());
  double l = action_loss(ws.z.leftCols(m), grad ? &ws.ga : nullptr, terms.relative_actions);
  if (grad) ws.gz.leftCols(m) = ws.ga;
  if (terms.still_weight > 0) {
    l += terms.still_weight *
         still_plane_loss(ws.z.leftCols(m), terms.still_planes, grad ? &ws.ga : nullptr);
    if (grad) ws.gz.leftCols(m) += terms.still_weight * ws.ga;
  }
  if (terms.angle_weight > 0) {
    l += terms.angle_weight * angle_rate_loss(ws.z.leftCols(m), ws.z.rightCols(m),
                                              terms.angle_dt, grad ? &ws.ga : nullptr,
                                              grad ? &ws.gb : nullptr);
    if (grad) {
      ws.gz.leftCols(m) += terms.angle_weight * ws.ga;
      ws.gz.rightCols(m) = terms.angle_weight * ws.gb;
    }
  }
  if (grad) {
    ws.gx.resize(dim(), x.cols());
    ws.dtheta.setZero(n_params());
    flow_->inverse_backward(tf, ws.cache, ws.gz, ws.gx, ws.dtheta.head(flow_->n_params()));
    Eigen::Map<Vec>(grad, n_params()) += ws.dtheta;
  }
  return l;
}

double FlowModel::trajectory_batch_loss(ConstVecRef theta, const std::vector<Mat>& x,
                                        const Flow::BatchSum& sum, Flow::BatchCache& c,
                                        double* grad, bool relative_actions) const {
  const auto tf = theta.head(flow_->n_params());
  std::vector<Mat> z, gz(grad ? x.size() : 0);
  flow_->batch_inverse(tf, x, z, c, sum);
  std::vector<double> l(x.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (long u = 0; u < static_cast<long>(x.size()); ++u) {
    const auto k = static_cast<std::size_t>(u);
    l[k] = action_loss(z[k], grad ? &gz[k] : nullptr, relative_actions);
  }
  if (grad) {
    Eigen::Map<Vec> g(grad, n_params());
    flow_->batch_inverse_backward(tf, c, gz, g.head(flow_->n_params()), sum);
  }
  double total = 0;
  for (double v : l) total += v;
  return total;
}

}  // namespace hnn
