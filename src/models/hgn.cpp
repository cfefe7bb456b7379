#include "models/hgn.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"
#include "models/latent_leapfrog.hpp"
#include "nn/dense.hpp"
#include "nn/gaussian_sampler.hpp"
#include "nn/init.hpp"

namespace hnn {

namespace {

int side_of(const HgnSpec& s) {
  const int S = static_cast<int>(std::lround(std::sqrt(static_cast<double>(s.frame_pixels))));
  if (static_cast<long>(S) * S != s.frame_pixels || S % 4 != 0 || S < 4)
    throw ConfigError("hgn: frames of " + std::to_string(s.frame_pixels) +
                      " pixels are not S×S with S divisible by 4");
  return S;
}

const HgnSpec& checked(const HgnSpec& s) {
  auto bad = [](const std::string& what, long v) {
    throw ConfigError("hgn: " + what + " = " + std::to_string(v) + " is out of range");
  };
  if (s.input_frames < 1) bad("input_frames", s.input_frames);
  if (s.rollout < s.input_frames) bad("rollout (< input_frames)", s.rollout);
  if (s.latent_dof < 1) bad("latent_dof", s.latent_dof);
  if (s.enc_channels.size() != 2) bad("enc_channels (size, need 2)", static_cast<long>(s.enc_channels.size()));
  for (int c : s.enc_channels)
    if (c < 1) bad("enc_channels", c);
  if (s.dec_channels < 1) bad("dec_channels", s.dec_channels);
  if (!(s.dt > 0)) throw ConfigError("hgn: dt = " + std::to_string(s.dt) + " must be > 0");
  side_of(s);
  return s;
}

Conv2dShape down(int c_in, int side, int c_out) { return {c_in, side, side, c_out, 4, 2, 1}; }
Conv2dShape same(int c_in, int side, int c_out) { return {c_in, side, side, c_out, 3, 1, 1}; }

MlpShape h_shape(const HgnSpec& s) {
  MlpShape m;
  m.sizes.push_back(2 * s.latent_dof);
  for (int h : s.hidden) m.sizes.push_back(h);
  m.sizes.push_back(1);
  m.act = Activation::softplus;
  m.last_bias = false;
  return m;
}

void glorot_uniform(Rng& rng, long out, long in, double* w) {
  const double a = std::sqrt(6.0 / static_cast<double>(in + out));
  for (long i = 0; i < out * in; ++i) w[i] = rng.uniform(-a, a);
}

}  // namespace

// Everything the forward pass keeps for backward (one per thread).
struct HgnWorkspace : Model::Workspace {
  // Encoder: input (K·P × B), conv pre-activations and activations, dense output [μ; logvar].
  Mat xin, a1, h1, a2, h2, enc, mu, lv, z;
  LeapfrogTape tape;
  // Decoder over all T·B latents (column b·T + t is frame t of unit b).
  Mat zq, u0, a3, g3, u1, a4, xh, target;
  std::vector<Mat> dpre, dact;  // decoder dense layers: pre-activations, activations (dact[0] = zq)
  // Backward scratch.
  Mat dxh, da, du, dh, dz, dmu, dlv, denc, dh2, dh1, dzq;
  std::vector<Mat> dx;
};

HgnModel::HgnModel(const HgnSpec& spec)
    : spec_(checked(spec)),
      side_(side_of(spec)),
      conv1_(down(spec.input_frames, side_, spec.enc_channels[0])),
      conv2_(down(spec.enc_channels[0], side_ / 2, spec.enc_channels[1])),
      conv3_(same(spec.dec_channels, side_ / 2, spec.dec_channels)),
      conv4_(same(spec.dec_channels, side_, 1)),
      up1_(UpsampleShape{spec.dec_channels, side_ / 4, side_ / 4, 2}),
      up2_(UpsampleShape{spec.dec_channels, side_ / 2, side_ / 2, 2}),
      h_(h_shape(spec)) {
  enc_in_ = conv2_.shape().out_size();
  enc_out_ = 2 * dim();
  dec_out_ = up1_.shape().in_size();
  o_conv2_ = conv1_.n_params();
  o_enc_ = o_conv2_ + conv2_.n_params();
  o_h_ = o_enc_ + enc_out_ * enc_in_ + enc_out_;
  o_dec_ = o_h_ + h_.n_params();
  dec_sizes_ = {spec_.latent_dof};
  for (int w : spec_.dec_hidden) dec_sizes_.push_back(w);
  dec_sizes_.push_back(static_cast<int>(dec_out_));
  long o = o_dec_;
  for (std::size_t k = 0; k + 1 < dec_sizes_.size(); ++k) {
    dec_off_.push_back(o);
    o += static_cast<long>(dec_sizes_[k + 1]) * (dec_sizes_[k] + 1);
  }
  o_conv3_ = o;
  o_conv4_ = o_conv3_ + conv3_.n_params();
  n_ = o_conv4_ + conv4_.n_params();
}

long HgnModel::n_params() const { return n_; }

void HgnModel::init_params(Rng& rng, VecRef theta) const {
  theta.setZero();
  double* t = theta.data();
  conv1_.init_params(rng, t);
  conv2_.init_params(rng, t + o_conv2_);
  glorot_uniform(rng, enc_out_, enc_in_, t + o_enc_);
  for (long i = dim(); i < enc_out_; ++i)  // logvar bias: posterior σ = 0.1 at the start
    t[o_enc_ + enc_out_ * enc_in_ + i] = 2.0 * std::log(0.1);
  Vec th(h_.n_params());
  hnn::init_params<double>(h_.shape(), "orthogonal", rng, th);
  theta.segment(o_h_, h_.n_params()) = th;
  for (std::size_t k = 0; k < dec_off_.size(); ++k)
    glorot_uniform(rng, dec_sizes_[k + 1], dec_sizes_[k], t + dec_off_[k]);
  conv3_.init_params(rng, t + o_conv3_);
  conv4_.init_params(rng, t + o_conv4_);
}

std::unique_ptr<Model::Workspace> HgnModel::make_workspace() const {
  return std::make_unique<HgnWorkspace>();
}

double HgnModel::sum_squared_error(ConstVecRef, ConstMatRef, ConstMatRef, Workspace&,
                                   double*) const {
  throw ConfigError("model 'hgn' learns from rollouts of frames, not from (x, dx/dt) samples");
}

void HgnModel::energy_and_gradient(ConstVecRef theta, ConstMatRef z, Workspace&, MatRef h,
                                   MatRef grad) const {
  Mlp<double>::Cache c;
  Mat H(1, z.cols()), G(z.rows(), z.cols());
  h_.forward_with_input_grad(theta.segment(o_h_, h_.n_params()), z, H, G, c);
  h = H;
  grad = G;
}

void HgnModel::predict_field(ConstVecRef theta, ConstMatRef z, Workspace& ws, MatRef out) const {
  const long n = spec_.latent_dof;
  Mat H(1, z.cols()), G(z.rows(), z.cols());
  energy_and_gradient(theta, z, ws, H, G);
  out.topRows(n) = G.bottomRows(n);
  out.bottomRows(n) = -G.topRows(n);
}

void HgnModel::forward(ConstVecRef theta, ConstMatRef frames, ConstMatRef eps,
                       Workspace& w) const {
  auto& ws = static_cast<HgnWorkspace&>(w);
  const long P = spec_.frame_pixels, T = spec_.rollout, B = frames.cols(), d = dim(),
             n = spec_.latent_dof;
  if (frames.rows() != P * T)
    throw ConfigError("hgn: rollouts have " + std::to_string(frames.rows()) + " rows, expected " +
                      std::to_string(P * T) + " (" + std::to_string(T) + " frames)");
  if (eps.size() > 0 && (eps.rows() != d || eps.cols() != B))
    throw ConfigError("hgn: noise is " + std::to_string(eps.rows()) + "x" +
                      std::to_string(eps.cols()) + ", expected " + std::to_string(d) + "x" +
                      std::to_string(B));
  const double* t = theta.data();
  // Encoder.
  ws.xin = frames.topRows(P * spec_.input_frames);
  conv1_.forward(t, ws.xin, ws.a1);
  act_forward(spec_.act, ws.a1, ws.h1);
  conv2_.forward(t + o_conv2_, ws.h1, ws.a2);
  act_forward(spec_.act, ws.a2, ws.h2);
  dense_forward(ConstMapMat(t + o_enc_, enc_out_, enc_in_),
                ConstMapVec(t + o_enc_ + enc_out_ * enc_in_, enc_out_), ws.h2, ws.enc);
  ws.mu = ws.enc.topRows(d);
  ws.lv = ws.enc.bottomRows(d);
  if (eps.size() > 0)
    gaussian_sample(ws.mu, ws.lv, eps, ws.z);
  else
    ws.z = ws.mu;
  // Dynamics.
  MlpHamiltonian H(h_, theta.segment(o_h_, h_.n_params()));
  leapfrog_rollout(H, ws.z, spec_.dt, static_cast<int>(T - 1), ws.tape);
  // Decoder over every (unit, time).
  ws.zq.resize(n, B * T);
  for (long b = 0; b < B; ++b)
    for (long k = 0; k < T; ++k) ws.zq.col(b * T + k) = ws.tape.x[static_cast<std::size_t>(k)].col(b).head(n);
  const std::size_t L = dec_off_.size();
  ws.dpre.resize(L);
  ws.dact.resize(L + 1);
  ws.dact[0] = ws.zq;
  for (std::size_t k = 0; k < L; ++k) {
    const long r = dec_sizes_[k + 1], c = dec_sizes_[k];
    dense_forward(ConstMapMat(t + dec_off_[k], r, c), ConstMapVec(t + dec_off_[k] + r * c, r),
                  ws.dact[k], ws.dpre[k]);
    act_forward(spec_.act, ws.dpre[k], ws.dact[k + 1]);
  }
  up1_.forward(ws.dact[L], ws.u0);
  conv3_.forward(t + o_conv3_, ws.u0, ws.a3);
  act_forward(spec_.act, ws.a3, ws.g3);
  up2_.forward(ws.g3, ws.u1);
  conv4_.forward(t + o_conv4_, ws.u1, ws.a4);
  act_forward(Activation::sigmoid, ws.a4, ws.xh);
}

void HgnModel::predict_rollout(ConstVecRef theta, ConstMatRef frames, ConstMatRef eps,
                               Workspace& w, Mat& out, Mat* latent) const {
  auto& ws = static_cast<HgnWorkspace&>(w);
  forward(theta, frames, eps, w);
  const long P = spec_.frame_pixels, T = spec_.rollout, B = frames.cols();
  out.resize(P * T, B);
  for (long b = 0; b < B; ++b)
    for (long k = 0; k < T; ++k) out.block(k * P, b, P, 1) = ws.xh.col(b * T + k);
  if (!latent) return;
  latent->resize(dim(), B * T);
  for (long b = 0; b < B; ++b)
    for (long k = 0; k < T; ++k)
      latent->col(b * T + k) = ws.tape.x[static_cast<std::size_t>(k)].col(b);
}

void HgnModel::latent_rollout(ConstVecRef theta, const Mat& x0, int substeps, Mat& latent) const {
  const long T = spec_.rollout, B = x0.cols();
  MlpHamiltonian H(h_, theta.segment(o_h_, h_.n_params()));
  LeapfrogTape tape;
  leapfrog_rollout(H, x0, spec_.dt / substeps, static_cast<int>(T - 1) * substeps, tape);
  latent.resize(dim(), B * T);
  for (long b = 0; b < B; ++b)
    for (long k = 0; k < T; ++k)
      latent.col(b * T + k) = tape.x[static_cast<std::size_t>(k * substeps)].col(b);
}

double HgnModel::rollout_loss(ConstVecRef theta, ConstMatRef frames, ConstMatRef eps,
                              double kl_weight, Workspace& w, double* grad,
                              RolloutParts* parts) const {
  auto& ws = static_cast<HgnWorkspace&>(w);
  forward(theta, frames, eps, w);
  const long P = spec_.frame_pixels, T = spec_.rollout, B = frames.cols(), d = dim(),
             n = spec_.latent_dof;
  ws.target.resize(P, B * T);
  for (long b = 0; b < B; ++b)
    for (long k = 0; k < T; ++k) ws.target.col(b * T + k) = frames.block(k * P, b, P, 1);
  const double scale = 1.0 / static_cast<double>(T * P);
  ws.dxh = ws.xh - ws.target;  // the residual
  RolloutParts pr;
  pr.reconstruction = scale * ws.dxh.squaredNorm();
  pr.kl = gaussian_kl(ws.mu, ws.lv);
  if (parts) *parts = pr;
  const double loss = pr.reconstruction + kl_weight * pr.kl;
  if (!grad) return loss;

  double* g = grad;
  const double* t = theta.data();
  // Decoder, from ∂L/∂x̂ = 2 (x̂ − f)/(T·P) through the sigmoid: σ' = x̂ (1 − x̂).
  ws.dxh *= 2.0 * scale;
  ws.da = ws.dxh.array() * ws.xh.array() * (1.0 - ws.xh.array());
  ws.du.setZero(ws.u1.rows(), ws.u1.cols());
  conv4_.backward(t + o_conv4_, ws.u1, ws.da, g + o_conv4_, &ws.du);
  ws.dh.setZero(ws.g3.rows(), ws.g3.cols());
  up2_.backward(ws.du, ws.dh);
  act_derivative(spec_.act, ws.a3, ws.da);
  ws.da.array() *= ws.dh.array();
  ws.du.setZero(ws.u0.rows(), ws.u0.cols());
  conv3_.backward(t + o_conv3_, ws.u0, ws.da, g + o_conv3_, &ws.du);
  const std::size_t L = dec_off_.size();
  ws.dh.setZero(ws.dact[L].rows(), ws.dact[L].cols());
  up1_.backward(ws.du, ws.dh);
  for (std::size_t k = L; k-- > 0;) {  // ws.dh = ∂L/∂dact[k + 1]
    const long r = dec_sizes_[k + 1], c = dec_sizes_[k];
    act_derivative(spec_.act, ws.dpre[k], ws.da);
    ws.da.array() *= ws.dh.array();
    ws.dzq.setZero(c, B * T);
    dense_backward(ConstMapMat(t + dec_off_[k], r, c), ws.dact[k], ws.da,
                   MapMat(g + dec_off_[k], r, c), MapVec(g + dec_off_[k] + r * c, r), &ws.dzq);
    ws.dh = ws.dzq;
  }
  // Dynamics: ∂L/∂x_t = (∂L/∂q_t, 0), back through the leapfrog steps to ∂L/∂z.
  ws.dx.assign(static_cast<std::size_t>(T), Mat::Zero(d, B));
  for (long b = 0; b < B; ++b)
    for (long k = 0; k < T; ++k) ws.dx[static_cast<std::size_t>(k)].col(b).head(n) = ws.dzq.col(b * T + k);
  MlpHamiltonian H(h_, theta.segment(o_h_, h_.n_params()));
  leapfrog_rollout_backward(H, spec_.dt, ws.tape, ws.dx, g + o_h_);
  // Posterior: z = μ + exp(½ logvar) ε, and the KL term.
  ws.dmu.setZero(d, B);
  ws.dlv.setZero(d, B);
  if (eps.size() > 0) {
    const Mat e = eps;
    gaussian_sample_backward(ws.lv, e, ws.dx[0], ws.dmu, ws.dlv);
  } else {
    ws.dmu += ws.dx[0];
  }
  gaussian_kl_backward(ws.mu, ws.lv, kl_weight, ws.dmu, ws.dlv);
  ws.denc.resize(2 * d, B);
  ws.denc.topRows(d) = ws.dmu;
  ws.denc.bottomRows(d) = ws.dlv;
  // Encoder.
  ws.dh2.setZero(enc_in_, B);
  dense_backward(ConstMapMat(t + o_enc_, enc_out_, enc_in_), ws.h2, ws.denc,
                 MapMat(g + o_enc_, enc_out_, enc_in_),
                 MapVec(g + o_enc_ + enc_out_ * enc_in_, enc_out_), &ws.dh2);
  act_derivative(spec_.act, ws.a2, ws.da);
  ws.da.array() *= ws.dh2.array();
  ws.dh1.setZero(ws.h1.rows(), B);
  conv2_.backward(t + o_conv2_, ws.h1, ws.da, g + o_conv2_, &ws.dh1);
  act_derivative(spec_.act, ws.a1, ws.da);
  ws.da.array() *= ws.dh1.array();
  conv1_.backward(t, ws.xin, ws.da, g, nullptr);
  return loss;
}

}  // namespace hnn
