#include "eval/evaluate_pixel.hpp"

#include <omp.h>

#include <Eigen/QR>
#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "data/trajectory_reader.hpp"
#include "eval/metrics.hpp"
#include "eval/output.hpp"
#include "integrators/dopri5.hpp"
#include "io/atomic_file.hpp"
#include "io/hdf5.hpp"
#include "models/learned_field.hpp"
#include "models/pixel_hnn.hpp"
#include "systems/registry.hpp"

namespace hnn {

namespace {

std::unique_ptr<System> system_of(const std::string& path) {
  const auto f = h5::File::open(path);
  if (!h5::has_attr(f, "/", "input")) throw IoError(path + ": no stored input, system unknown");
  Config cfg = Config::from_string(h5::read_attr_string(f, "/", "input"), path + " (stored input)");
  return make_system(cfg.section("system"));
}

// Columns [x_k; x_{k+1}] of frames F (P × n_time), k = 0..n_time−2.
Mat pairs_of(const Mat& F) {
  const long P = F.rows(), T = F.cols() - 1;
  Mat x(2 * P, T);
  for (long k = 0; k < T; ++k) x.col(k) << F.col(k), F.col(k + 1);
  return x;
}

// The monomials of degree <= `degree` in the rows of Z (constant first, then by degree), one
// row each: the features of the fitted latent -> state map (degree 1: the affine map).
Mat monomials(const Mat& Z, int degree) {
  std::vector<Vec> rows{Vec::Ones(Z.cols())};
  std::vector<std::vector<long>> powers{{}};  // the factor indices of each row, non-decreasing
  for (int deg = 1; deg <= degree; ++deg) {
    const std::size_t begin = rows.size();
    for (std::size_t r = 0; r < begin; ++r) {
      if (static_cast<int>(powers[r].size()) != deg - 1) continue;
      const long from = powers[r].empty() ? 0 : powers[r].back();
      for (long j = from; j < Z.rows(); ++j) {
        rows.push_back(rows[r].cwiseProduct(Z.row(j).transpose()));
        powers.push_back(powers[r]);
        powers.back().push_back(j);
      }
    }
  }
  Mat F(static_cast<long>(rows.size()), Z.cols());
  for (std::size_t r = 0; r < rows.size(); ++r) F.row(static_cast<long>(r)) = rows[r].transpose();
  return F;
}

}  // namespace

EvaluateSummary evaluate_pixel(const LoadedModel& m, Config& cfg, const std::string& data_default,
                               const EvaluateRequest& req, const Provenance& prov) {
  const auto& model = dynamic_cast<const PixelHnnModel&>(*m.model);
  cfg.check_sections({"evaluate"});
  Section ev = cfg.section("evaluate");
  const std::string data = ev.get_string("data", data_default);
  if (!std::filesystem::exists(data)) ev.fail("data", "data set not found");
  const TrajectoryFileInfo info = read_trajectory_info(data);
  if (info.frame_pixels() != model.frame_pixels())
    ev.fail("data", "frames of " + std::to_string(info.frame_pixels()) + " pixels, the model's " +
                        std::to_string(model.frame_pixels()));
  const long n_test = static_cast<long>(info.test.size());
  ev.require(n_test > 0, "data", "no test trajectories");
  const long n = ev.get_count("n_rollouts", n_test);
  ev.require(n <= n_test, "n_rollouts", "must be <= the number of test trajectories");
  Dopri5Options dopri;
  dopri.rtol = dopri.atol = ev.get_positive("rtol", 1e-9);
  const long degree = ev.get_int("fit_degree", 1);
  ev.require(degree >= 1 && degree <= 4, "fit_degree", "must be 1 (affine), 2, 3 or 4");
  const double escale = ev.get_positive("energy_scale", 1.0);
  cfg.check_all_used();
  const std::string resolved = cfg.resolved_text();
  if (std::filesystem::exists(req.output) && !req.overwrite)
    throw IoError(req.output + ": output exists (use --overwrite to replace it)");
  const auto sys = system_of(data);
  const long P = info.frame_pixels(), T = info.n_time - 1, d = model.dim();
  const Vec& th = m.params;
  auto ws = model.make_workspace();

  EvaluateSummary sum;
  sum.model = model.kind();
  sum.system = info.system;
  sum.n_rollouts = n;
  sum.n_times = T;
  sum.integrator = "dopri5 on the latent field";
  sum.energy = escale == 1.0 ? "true H through the fitted latent -> state map"
                             : "energy_scale x true H through the fitted latent -> state map";

  // Test loss and its terms, per triple.
  {
    Mat F, x, dummy;
    read_frames(info, info.test, F);
    PixelLossParts total;
    long count = 0;
    double res_ss = 0, tot_ss = 0;
    for (long i = 0; i < n_test; ++i) {
      const Mat pairs = pairs_of(F.middleCols(i * info.n_time, info.n_time));
      PixelLossParts p;
      model.frame_loss_parts(th, pairs.leftCols(T - 1), pairs.rightCols(T - 1), *ws, nullptr, &p);
      total.reconstruction += p.reconstruction;
      total.coupling += p.coupling;
      total.dynamics += p.dynamics;
      count += T - 1;
      // How much of the encoded one-frame step Δz = z_{k+1} − z_k the latent field explains.
      Mat z, f(model.dim(), T);
      model.encode(th, pairs, *ws, z);
      model.predict_field(th, z, *ws, f);
      const Mat dz = z.rightCols(T - 1) - z.leftCols(T - 1);
      res_ss += (dz - f.leftCols(T - 1)).squaredNorm();
      tot_ss += dz.squaredNorm();
    }
    const double c = static_cast<double>(count);
    sum.metrics.push_back({"dynamics_r2", 1.0 - res_ss / std::max(tot_ss, 1e-300), false, 0});
    sum.metrics.push_back({"test_loss", (total.reconstruction + total.coupling + total.dynamics) / c, false, 0});
    sum.metrics.push_back({"test_reconstruction", total.reconstruction / c, false, 0});
    sum.metrics.push_back({"test_coupling", total.coupling / c, false, 0});
    sum.metrics.push_back({"test_dynamics", total.dynamics / c, false, 0});
  }

  // Fitted map latent → state (polynomial of degree `degree`) on the training encodings.
  Mat A;
  {
    Mat F, X, dxdt;
    read_frames(info, info.train, F);
    read_samples(info, info.train, X, dxdt);
    const long nt = static_cast<long>(info.train.size());
    Mat Z(d, nt * T), Y(d, nt * T);
    for (long i = 0; i < nt; ++i) {
      Mat z;
      model.encode(th, pairs_of(F.middleCols(i * info.n_time, info.n_time)), *ws, z);
      Z.middleCols(i * T, T) = z;
      Y.middleCols(i * T, T) = X.middleCols(i * info.n_time, T);
    }
    const Mat Phi = monomials(Z, static_cast<int>(degree));
    A = Phi.transpose().colPivHouseholderQr().solve(Y.transpose()).transpose();  // d × features
    const Mat res = A * Phi - Y;
    const double cnt = static_cast<double>(res.cols());
    sum.metrics.push_back({"fit_rmse_q", std::sqrt(res.row(0).squaredNorm() / cnt), false, 0});
    sum.metrics.push_back({"fit_rmse_p", std::sqrt(res.row(d / 2).squaredNorm() / cnt), false, 0});
  }

  // Rollouts.
  std::vector<std::int64_t> traj(info.test.begin(), info.test.begin() + n);
  Mat F, X, dxdt;
  read_frames(info, traj, F);
  read_samples(info, traj, X, dxdt);
  Mat frames_true(P, n * T), frames_learned(P, n * T), frames_ae(P, n * T), Z(d, n * T),
      Xfit(d, n * T), Xtrue(d, n * T);
  std::vector<double> times(static_cast<std::size_t>(T));
  for (long k = 0; k < T; ++k) times[static_cast<std::size_t>(k)] = static_cast<double>(k);
  LearnedField field(model, th);
  Dopri5 integ(dopri);
  Mat e_fit(n, T), e_true(n, T);  // energy_scale × H through the fitted map, and the truth
  double e_drift = 0;
  std::vector<double> h0, hT;
  for (long i = 0; i < n; ++i) {
    const Mat pairs = pairs_of(F.middleCols(i * info.n_time, info.n_time));
    Mat zenc, xh;
    model.encode(th, pairs, *ws, zenc);
    model.decode(th, zenc, *ws, xh);
    frames_ae.middleCols(i * T, T) = xh.topRows(P);
    Mat z(d, T);
    integ.integrate(field, zenc.col(0), 0.0, times, z.data());
    Z.middleCols(i * T, T) = z;
    model.decode(th, z, *ws, xh);
    frames_learned.middleCols(i * T, T) = xh.topRows(P);
    frames_true.middleCols(i * T, T) = F.middleCols(i * info.n_time, T);
    Xtrue.middleCols(i * T, T) = X.middleCols(i * info.n_time, T);
    const Mat xf = A * monomials(z, static_cast<int>(degree));
    Xfit.middleCols(i * T, T) = xf;
    for (long k = 0; k < T; ++k) {
      e_fit(i, k) = escale * sys->energy(xf.col(k));
      e_true(i, k) = escale * sys->energy(Xtrue.col(i * T + k));
    }
    e_drift += std::abs(e_fit(i, T - 1) - e_fit(i, 0));
    if (model.has_energy()) {
      Mat h(1, T), g(d, T);
      model.energy_and_gradient(th, z, *ws, h, g);
      h0.push_back(h(0, 0));
      hT.push_back(h(0, T - 1));
    }
  }
  const double nT = static_cast<double>(n * T);
  sum.metrics.push_back({"pixel_mse_autoencoder", (frames_ae - frames_true).squaredNorm() / (nT * P), false, 0});
  sum.metrics.push_back({"pixel_mse_rollout", (frames_learned - frames_true).squaredNorm() / (nT * P), false, 0});
  const MeanPm em = energy_mse(e_fit, e_true);
  sum.metrics.push_back({"energy_mse", em.mean, true, em.pm});
  sum.metrics.push_back({"energy_drift_fit", e_drift / static_cast<double>(n), false, 0});
  if (model.has_energy()) {
    double mean = 0, var = 0, drift = 0;
    for (double h : h0) mean += h / static_cast<double>(n);
    for (double h : h0) var += (h - mean) * (h - mean) / static_cast<double>(n);
    for (long i = 0; i < n; ++i) drift += std::abs(hT[static_cast<std::size_t>(i)] - h0[static_cast<std::size_t>(i)]);
    sum.metrics.push_back({"latent_energy_drift", drift / static_cast<double>(n) / std::sqrt(std::max(var, 1e-300)), false, 0});
  }

  AtomicH5File out(req.output, MPI_COMM_SELF, req.overwrite);
  const h5::File& f = out.file();
  const auto hn = static_cast<hsize_t>(n), hT2 = static_cast<hsize_t>(T),
             hP = static_cast<hsize_t>(P), hd = static_cast<hsize_t>(d);
  write_matrix(f, "/rollouts/frames_true", frames_true, {hn, hT2, hP});
  write_matrix(f, "/rollouts/frames_learned", frames_learned, {hn, hT2, hP});
  write_matrix(f, "/rollouts/z", Z, {hn, hT2, hd});
  write_matrix(f, "/rollouts/x_true", Xtrue, {hn, hT2, hd});
  write_matrix(f, "/rollouts/x_fit", Xfit, {hn, hT2, hd});
  write_matrix(f, "/fit/A", Mat(A.transpose()), {hd, static_cast<hsize_t>(A.cols())});
  write_evaluation_common(f, sum.metrics, prov, resolved,
                          req.input.empty() ? cfg.source() : req.input, "hnn-pixel-evaluation",
                          model.kind(), req.model, data);
  out.commit();
  sum.output = req.output;
  return sum;
}

}  // namespace hnn
