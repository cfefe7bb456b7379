#include "models/pixel_hnn.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace hnn {

namespace {

ResidualMlpShape encoder_shape(int dim, const PixelSpec& s) {
  return {static_cast<int>(2 * s.frame_pixels), s.ae_width, s.ae_blocks, dim, Activation::relu};
}
ResidualMlpShape decoder_shape(int dim, const PixelSpec& s) {
  return {dim, s.ae_width, s.ae_blocks, static_cast<int>(2 * s.frame_pixels), Activation::relu};
}
MlpShape latent_shape(int dim, const PixelSpec& s) {
  MlpShape m;
  m.sizes.push_back(dim);
  for (int h : s.hidden) m.sizes.push_back(h);
  m.sizes.push_back(s.hnn ? 1 : dim);  // H, or the field itself
  m.act = s.act;
  m.last_bias = false;  // the reference MLP: no bias on the last layer
  return m;
}

struct PixelWorkspace : Model::Workspace {
  ResidualMlp::Cache enc, enc_next, dec;
  Mlp<double>::Cache lat;
  Mat z, zn, xh, f, H, G, dz, dzn, dxh, df, dG, dH, hv;
};

}  // namespace

PixelHnnModel::PixelHnnModel(int dim, const PixelSpec& spec)
    : dim_(dim),
      spec_(spec),
      enc_(encoder_shape(dim, spec)),
      dec_(decoder_shape(dim, spec)),
      lat_(latent_shape(dim, spec)) {
  if (dim < 2 || dim % 2 != 0)
    throw ConfigError("pixel model: latent dimension " + std::to_string(dim) + " is not 2·dof");
  if (spec.hnn && !has_second_derivative(spec.act))
    throw ConfigError("pixel_hnn: the latent HNN needs tanh, softplus or sigmoid");
}

long PixelHnnModel::n_params() const {
  return enc_.n_params() + dec_.n_params() + lat_.n_params();
}

void PixelHnnModel::init_params(Rng& rng, VecRef theta) const {
  enc_.init_params(rng, theta.data());
  dec_.init_params(rng, theta.data() + off_dec());
  Vec t(lat_.n_params());
  hnn::init_params<double>(lat_.shape(), "orthogonal", rng, t);
  theta.segment(off_lat(), lat_.n_params()) = t;
}

std::unique_ptr<Model::Workspace> PixelHnnModel::make_workspace() const {
  return std::make_unique<PixelWorkspace>();
}

double PixelHnnModel::sum_squared_error(ConstVecRef, ConstMatRef, ConstMatRef, Workspace&,
                                        double*) const {
  throw ConfigError("model '" + kind() + "' learns from frames, not from (x, dx/dt) samples");
}

void PixelHnnModel::encode(ConstVecRef theta, ConstMatRef x, Workspace& w, Mat& z) const {
  auto& ws = static_cast<PixelWorkspace&>(w);
  enc_.forward(theta.data(), x, z, ws.enc);
}

void PixelHnnModel::decode(ConstVecRef theta, ConstMatRef z, Workspace& w, Mat& x) const {
  auto& ws = static_cast<PixelWorkspace&>(w);
  dec_.forward(theta.data() + off_dec(), z, x, ws.dec);
}

void PixelHnnModel::energy_and_gradient(ConstVecRef theta, ConstMatRef z, Workspace& w, MatRef h,
                                        MatRef grad) const {
  if (!spec_.hnn) Model::energy_and_gradient(theta, z, w, h, grad);
  auto& ws = static_cast<PixelWorkspace&>(w);
  const auto th = theta.segment(off_lat(), lat_.n_params());
  ws.H.resize(1, z.cols());
  ws.G.resize(dim_, z.cols());
  lat_.forward_with_input_grad(th, z, ws.H, ws.G, ws.lat);
  h = ws.H;
  grad = ws.G;
}

void PixelHnnModel::predict_field(ConstVecRef theta, ConstMatRef z, Workspace& w,
                                  MatRef out) const {
  auto& ws = static_cast<PixelWorkspace&>(w);
  const auto th = theta.segment(off_lat(), lat_.n_params());
  const long n = dim_ / 2;
  if (spec_.hnn) {
    ws.H.resize(1, z.cols());
    ws.G.resize(dim_, z.cols());
    lat_.forward_with_input_grad(th, z, ws.H, ws.G, ws.lat);
    out.topRows(n) = ws.G.bottomRows(n);  // Ω∇H = (∂H/∂p, −∂H/∂q)
    out.bottomRows(n) = -ws.G.topRows(n);
  } else {
    ws.f.resize(dim_, z.cols());
    lat_.forward(th, z, ws.f, ws.lat);
    out = ws.f;
  }
}

double PixelHnnModel::frame_loss(ConstVecRef theta, ConstMatRef x, ConstMatRef x_next,
                                 Workspace& ws, double* grad) const {
  return frame_loss_parts(theta, x, x_next, ws, grad, nullptr);
}

double PixelHnnModel::frame_loss_parts(ConstVecRef theta, ConstMatRef x, ConstMatRef x_next,
                                       Workspace& w, double* grad, PixelLossParts* parts) const {
  auto& ws = static_cast<PixelWorkspace&>(w);
  const long B = x.cols(), n = dim_ / 2, P2 = 2 * spec_.frame_pixels;
  if (x.rows() != P2 || x_next.rows() != P2 || x_next.cols() != B)
    throw ConfigError("pixel model: frame pairs must have 2·" + std::to_string(spec_.frame_pixels) +
                      " rows");
  const double* t = theta.data();
  const auto th_lat = theta.segment(off_lat(), lat_.n_params());

  // Forward: z = enc(x), z' = enc(x'), x̂ = dec(z), f(z).
  enc_.forward(t, x, ws.z, ws.enc);
  enc_.forward(t, x_next, ws.zn, ws.enc_next);
  dec_.forward(t + off_dec(), ws.z, ws.xh, ws.dec);
  ws.f.resize(dim_, B);
  predict_field(theta, ws.z, w, ws.f);  // leaves ws.lat (and ws.G for the HNN) for backward

  // Residuals: r = x̂ − x, c = z_p − (z'_q − z_q), e = z' − z − f(z).
  const Mat r = ws.xh - x;
  const Mat c = ws.z.bottomRows(n) - (ws.zn.topRows(n) - ws.z.topRows(n));
  const Mat e = ws.zn - ws.z - ws.f;
  PixelLossParts pl;
  pl.reconstruction = r.squaredNorm() / static_cast<double>(P2);
  pl.coupling = c.squaredNorm() / static_cast<double>(n);
  pl.dynamics = spec_.hnn_weight * e.squaredNorm() / static_cast<double>(dim_);
  if (parts) *parts = pl;
  const double loss = pl.reconstruction + pl.coupling + pl.dynamics;
  if (!grad) return loss;

  Eigen::Map<Vec> g(grad, n_params());
  // ∂L/∂x̂, ∂L/∂z (direct terms), ∂L/∂z', ∂L/∂f.
  ws.dxh = (2.0 / static_cast<double>(P2)) * r;
  const double kc = 2.0 / static_cast<double>(n), ke = 2.0 * spec_.hnn_weight / dim_;
  ws.dz = -ke * e;
  ws.dz.topRows(n) += kc * c;     // ∂c/∂z_q = +1
  ws.dz.bottomRows(n) += kc * c;  // ∂c/∂z_p = +1
  ws.dzn = ke * e;
  ws.dzn.topRows(n) -= kc * c;    // ∂c/∂z'_q = −1
  ws.df = -ke * e;

  // Latent dynamics: θ_lat and the path z → f(z).
  Vec dlat = Vec::Zero(lat_.n_params());
  if (spec_.hnn) {
    // f = (G_p, −G_q): ∂L/∂G_q = −∂L/∂f_p, ∂L/∂G_p = ∂L/∂f_q; ∂L/∂z += ∇²H · ∂L/∂G.
    ws.dG.resize(dim_, B);
    ws.dG.topRows(n) = -ws.df.bottomRows(n);
    ws.dG.bottomRows(n) = ws.df.topRows(n);
    ws.dH.setZero(1, B);
    lat_.backward_through_input_grad(th_lat, ws.lat, ws.dH, ws.dG, dlat);
    ws.hv.resize(dim_, B);
    lat_.hvp(th_lat, ws.z, ws.dG, ws.hv, ws.lat);
    ws.dz += ws.hv;
  } else {
    lat_.backward(th_lat, ws.lat, ws.df, dlat, ws.dz);
  }
  g.segment(off_lat(), lat_.n_params()) += dlat;

  // Decoder (adds its input gradient to ∂L/∂z), then the encoder on both inputs.
  dec_.backward(t + off_dec(), ws.dec, ws.dxh, grad + off_dec(), &ws.dz);
  enc_.backward(t, ws.enc, ws.dz, grad, nullptr);
  enc_.backward(t, ws.enc_next, ws.dzn, grad, nullptr);
  return loss;
}

}  // namespace hnn
