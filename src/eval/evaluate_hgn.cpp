#include "eval/evaluate_hgn.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "core/error.hpp"
#include "data/trajectory_reader.hpp"
#include "eval/output.hpp"
#include "eval/parallel_for.hpp"
#include "io/atomic_file.hpp"
#include "io/hdf5.hpp"
#include "models/hgn.hpp"

namespace hnn {

namespace {

constexpr long kGroup = 8;     // rollouts per model call (fixed: results independent of threads)
constexpr long kBlock = 256;   // rollouts read from the file at a time

}  // namespace

EvaluateSummary evaluate_hgn(const LoadedModel& m, Config& cfg, const std::string& data_default,
                             const EvaluateRequest& req, const Provenance& prov) {
  const auto& model = dynamic_cast<const HgnModel&>(*m.model);
  const long P = model.frame_pixels(), T = model.rollout_length(), d = model.dim();
  cfg.check_sections({"evaluate"});
  Section ev = cfg.section("evaluate");
  const std::string data = ev.get_string("data", data_default);
  if (!std::filesystem::exists(data)) ev.fail("data", "data set not found");
  const std::string split = ev.get_choice("split", {"test", "train"}, "test");
  const TrajectoryFileInfo info = read_trajectory_info(data);
  if (info.frame_pixels() != P)
    ev.fail("data", "frames of " + std::to_string(info.frame_pixels()) + " pixels, the model's " +
                        std::to_string(P));
  if (info.n_time < T)
    ev.fail("data", std::to_string(info.n_time) + " frames per trajectory, the model's rollout "
                    "needs " + std::to_string(T));
  const auto& list = split == "test" ? info.test : info.train;
  const auto n_split = static_cast<long>(list.size());
  ev.require(n_split >= 2, "split", "the " + split + " split of " + data + " has " +
                                        std::to_string(n_split) + " trajectories, need >= 2");
  const long n = ev.get_count("n_rollouts", n_split, 2);
  ev.require(n <= n_split, "n_rollouts", "must be <= the " + std::to_string(n_split) + " " +
                                             split + " trajectories");
  const long n_pic = ev.get_count("n_pictures", std::min(4L, n), 0);
  ev.require(n_pic <= n, "n_pictures", "must be <= n_rollouts");
  const int substeps = static_cast<int>(ev.get_count("substeps", 10, 2));
  cfg.check_all_used();
  const std::string resolved = cfg.resolved_text();
  if (std::filesystem::exists(req.output) && !req.overwrite)
    throw IoError(req.output + ": output exists (use --overwrite to replace it)");
  const Vec& th = m.params;

  // Per rollout and frame: pixel MSE, latent state, H_θ; pictures of the first n_pic rollouts.
  Mat mse(T, n), rep(T, n), Z(d, n * T), E(T, n), Ef(T, n);
  Mat pic_true(P, n_pic * T), pic_learned(P, n_pic * T);
  Mat s1 = Mat::Zero(P, T);  // Σ over rollouts of frame t (for the mean-frame predictor)
  Vec s2 = Vec::Zero(T);     // Σ over rollouts of ‖f_t‖²
  std::vector<std::unique_ptr<Model::Workspace>> ws(
      static_cast<std::size_t>(omp_get_max_threads()));
  for (long b0 = 0; b0 < n; b0 += kBlock) {
    const long nb = std::min(kBlock, n - b0);
    const std::vector<std::int64_t> traj(list.begin() + b0, list.begin() + b0 + nb);
    Mat F;
    read_frames(info, traj, F);  // P × nb·n_time
    Mat X(P * T, nb);            // the first T frames of each, stacked (the model's input layout)
    for (long j = 0; j < nb; ++j)
      for (long k = 0; k < T; ++k) X.block(k * P, j, P, 1) = F.col(j * info.n_time + k);
    parallel_for((nb + kGroup - 1) / kGroup, [&](long g) {
      auto& w = ws[static_cast<std::size_t>(omp_get_thread_num())];
      if (!w) w = model.make_workspace();
      const long j0 = g * kGroup, len = std::min(kGroup, nb - j0);
      Mat out, z;
      model.predict_rollout(th, X.middleCols(j0, len), Mat(), *w, out, &z);
      Mat h(1, len * T), hf(1, len * T), grad(d, len * T), x0(d, len), zf;
      model.energy_and_gradient(th, z, *w, h, grad);
      for (long j = 0; j < len; ++j) x0.col(j) = z.col(j * T);
      model.latent_rollout(th, x0, substeps, zf);
      model.energy_and_gradient(th, zf, *w, hf, grad);
      for (long j = 0; j < len; ++j) {
        const long i = b0 + j0 + j;  // rollout index
        for (long k = 0; k < T; ++k) {
          const auto f = X.block(k * P, j0 + j, P, 1);
          mse(k, i) = (out.block(k * P, j, P, 1) - f).squaredNorm() / static_cast<double>(P);
          rep(k, i) = (X.block(0, j0 + j, P, 1) - f).squaredNorm() / static_cast<double>(P);
          E(k, i) = h(0, j * T + k);
          Ef(k, i) = hf(0, j * T + k);
          if (i < n_pic) {
            pic_true.col(i * T + k) = f;
            pic_learned.col(i * T + k) = out.block(k * P, j, P, 1);
          }
        }
        Z.middleCols(i * T, T) = z.middleCols(j * T, T);
      }
    });
    for (long j = 0; j < nb; ++j)
      for (long k = 0; k < T; ++k) {
        const auto f = X.block(k * P, j, P, 1);
        s1.col(k) += f;
        s2[k] += f.squaredNorm();
      }
  }
  if (!mse.allFinite() || !E.allFinite() || !Ef.allFinite())
    throw NumericsError("hgn: non-finite pixel error or learned energy along a rollout");

  const double dn = static_cast<double>(n), dP = static_cast<double>(P);
  // Mean-frame predictor m = Σ_t s1_t / (n·T); per frame
  // Σ_i ‖f_it − m‖² = s2_t − 2⟨m, s1_t⟩ + n‖m‖².
  const Vec mean_frame = s1.rowwise().sum() / (dn * static_cast<double>(T));
  Vec mf_curve(T);
  for (long k = 0; k < T; ++k)
    mf_curve[k] =
        (s2[k] - 2.0 * mean_frame.dot(s1.col(k)) + dn * mean_frame.squaredNorm()) / (dn * dP);
  const Vec curve = mse.rowwise().mean(), rep_curve = rep.rowwise().mean();
  const Vec per_rollout = mse.colwise().mean().transpose();
  const double pixel_mse = curve.mean();
  const double pm = std::sqrt((per_rollout.array() - per_rollout.mean()).square().mean() / dn);
  // Energy: spread of H_θ(z_0) over the rollouts, and the largest excursion along each rollout.
  const Vec h0 = E.row(0).transpose();
  const double h0_std = std::sqrt((h0.array() - h0.mean()).square().mean());
  Vec excursion(n), excursion_fine(n);
  for (long i = 0; i < n; ++i) {
    excursion[i] = (E.col(i).array() - E(0, i)).abs().maxCoeff();
    excursion_fine[i] = (Ef.col(i).array() - Ef(0, i)).abs().maxCoeff();
  }
  const double scale = std::max(h0_std, 1e-300);

  EvaluateSummary sum;
  sum.model = model.kind();
  sum.system = info.system;
  sum.n_rollouts = n;
  sum.n_times = T;
  sum.integrator = "leapfrog of the learned H (dt " + std::to_string(model.spec().dt) + ")";
  sum.energy = "learned H along the latent rollouts";
  sum.metrics.push_back({"pixel_mse", pixel_mse, true, pm});
  sum.metrics.push_back({"mean_frame_mse", mf_curve.mean(), false, 0});
  sum.metrics.push_back({"repeat_first_mse", rep_curve.mean(), false, 0});
  sum.metrics.push_back({"h0_std", h0_std, false, 0});
  sum.metrics.push_back({"latent_energy_drift", excursion.maxCoeff() / scale, false, 0});
  sum.metrics.push_back({"latent_energy_drift_mean", excursion.mean() / scale, false, 0});
  sum.metrics.push_back({"latent_energy_drift_fine", excursion_fine.maxCoeff() / scale, false, 0});
  sum.notes.push_back(std::to_string(n) + " " + split + " rollouts from the posterior mean; " +
                      "pixel MSE x 1e4 = " + std::to_string(1e4 * pixel_mse) +
                      " (mean-frame predictor " + std::to_string(1e4 * mf_curve.mean()) + ")");

  AtomicH5File out(req.output, MPI_COMM_SELF, req.overwrite);
  const h5::File& f = out.file();
  const auto hn = static_cast<hsize_t>(n), hT = static_cast<hsize_t>(T),
             hP = static_cast<hsize_t>(P), hd = static_cast<hsize_t>(d),
             hm = static_cast<hsize_t>(n_pic);
  const std::vector<std::int64_t> index(list.begin(), list.begin() + n);
  h5::Dataset::create<std::int64_t>(f, "/rollouts/index", {hn}).write_rows(index.data(), 0, hn);
  write_matrix(f, "/rollouts/pixel_mse", mse, {hn, hT});
  write_matrix(f, "/rollouts/pixel_mse_per_frame", curve, {hT});
  write_matrix(f, "/rollouts/mean_frame_mse_per_frame", mf_curve, {hT});
  write_matrix(f, "/rollouts/repeat_first_mse_per_frame", rep_curve, {hT});
  write_matrix(f, "/rollouts/mean_frame", mean_frame, {hP});
  write_matrix(f, "/rollouts/z", Z, {hn, hT, hd});
  write_matrix(f, "/rollouts/energy", E, {hn, hT});
  write_matrix(f, "/rollouts/energy_fine", Ef, {hn, hT});
  if (n_pic > 0) {
    write_matrix(f, "/rollouts/frames_true", pic_true, {hm, hT, hP});
    write_matrix(f, "/rollouts/frames_learned", pic_learned, {hm, hT, hP});
  }
  write_evaluation_common(f, sum.metrics, prov, resolved,
                          req.input.empty() ? cfg.source() : req.input, "hnn-hgn-evaluation",
                          model.kind(), req.model, data);
  h5::write_attr(f, "/", "split", split);
  h5::write_attr(f, "/", "n_rollouts", std::int64_t{n});
  h5::write_attr(f, "/", "n_times", std::int64_t{T});
  h5::write_attr(f, "/", "frame_height", std::int64_t{info.frame_height});
  h5::write_attr(f, "/", "frame_width", std::int64_t{info.frame_width});
  h5::write_attr(f, "/", "dt", model.spec().dt);
  h5::write_attr(f, "/", "substeps", std::int64_t{substeps});
  out.commit();
  sum.output = req.output;
  return sum;
}

}  // namespace hnn
