#include "eval/evaluate_flow.hpp"

#include <cmath>
#include <filesystem>
#include <limits>

#include "core/error.hpp"
#include "data/trajectory_reader.hpp"
#include "eval/output.hpp"
#include "flows/diagnostics.hpp"
#include "io/atomic_file.hpp"
#include "io/hdf5.hpp"
#include "models/flow_model.hpp"
#include "systems/fput.hpp"
#include "systems/registry.hpp"

namespace hnn {

namespace fs = std::filesystem;

namespace {

void write_table(const h5::File& f, const std::string& name, const Mat& m) {
  const Mat rowmajor = m.transpose();  // (n_traj, n) in C order
  const auto rows = static_cast<hsize_t>(m.rows()), cols = static_cast<hsize_t>(m.cols());
  h5::Dataset::create<double>(f, name, {rows, cols})
      .write_rows(rowmajor.data(), 0, static_cast<hsize_t>(m.rows()));
}

// The FPUT system of a generated data set, or null (other systems, measured data).
std::unique_ptr<System> data_system(const h5::File& f, const std::string& path) {
  if (!h5::has_attr(f, "/", "input")) return nullptr;
  Config cfg = Config::from_string(h5::read_attr_string(f, "/", "input"), path + " (stored input)");
  if (!cfg.has_section("system")) return nullptr;
  if (cfg.section("system").get_string("name", "") != "fput") return nullptr;
  return make_system(cfg.section("system"));
}

// Relative std over time of the linear normal-mode actions I_k of one trajectory (dim × τ), for
// the modes with ω_k > 0 whose mean action exceeds 1e-6 of the largest: (max, sum, count).
struct RelStd {
  double max = 0, sum = 0;
  long count = 0;
  double weighted = 0;  // Σ_k std(I_k) / Σ_k mean(I_k) over all modes with ω_k > 0
};
RelStd linear_action_fluctuation(const Fput& sys, ConstMatRef x) {
  const long tau = x.cols(), n = sys.params().n;
  Mat I(n, tau);
  for (long k = 0; k < tau; ++k) I.col(k) = sys.linear_actions(x.col(k));
  const Vec mean = I.rowwise().mean();
  RelStd r;
  double sd_sum = 0, mean_sum = 0;
  for (long i = 0; i < n; ++i) {
    if (!(sys.frequencies()[i] > 0)) continue;
    const double sd = std::sqrt((I.row(i).array() - mean[i]).square().mean());
    sd_sum += sd;
    mean_sum += mean[i];
    if (!(mean[i] > 1e-6 * mean.maxCoeff())) continue;
    const double rel = sd / mean[i];
    r.max = std::max(r.max, rel);
    r.sum += rel;
    ++r.count;
  }
  r.weighted = sd_sum / mean_sum;
  return r;
}

}  // namespace

EvaluateSummary evaluate_flow(const LoadedModel& m, Config& cfg, const std::string& data_default,
                              const EvaluateRequest& req, const Provenance& prov) {
  const auto& model = static_cast<const FlowModel&>(*m.model);
  const Flow& flow = model.flow();
  const long n = flow.n(), dim = flow.dim();
  cfg.check_sections({"evaluate"});
  Section ev = cfg.section("evaluate");
  const std::string data = ev.get_string("data", data_default);
  const std::string split = ev.get_choice("split", {"test", "train"}, "test");
  if (!fs::exists(data)) ev.fail("data", "data set not found");
  const TrajectoryFileInfo info = read_trajectory_info(data);
  if (info.dim != dim)
    ev.fail("data", "the data have dimension " + std::to_string(info.dim) + ", the model " +
                        std::to_string(dim));
  const auto& list = split == "test" ? info.test : info.train;
  if (list.empty()) ev.fail("split", "the " + split + " split of " + data + " is empty");
  cfg.check_all_used();
  const std::string resolved = cfg.resolved_text();
  if (fs::exists(req.output) && !req.overwrite)
    throw IoError(req.output + ": output exists (use --overwrite to replace it)");

  Mat x, dxdt;
  read_samples(info, list, x, dxdt);
  const auto file = h5::File::open(data);
  const auto tds = h5::Dataset::open(file, "/trajectories/t");
  const std::vector<double> tall = tds.read_all<double>();
  const bool per_traj = tds.shape().size() == 2;

  const long nt = static_cast<long>(list.size()), T = info.n_time;
  Mat r_mean(nt, n), r_rel(nt, n), omega(nt, n), resid(nt, n), first(dim, nt);
  std::vector<std::vector<PlaneFit>> fits(static_cast<std::size_t>(nt));
#pragma omp parallel for schedule(dynamic, 1)
  for (long j = 0; j < nt; ++j) {
    const long row = per_traj ? list[static_cast<std::size_t>(j)] : 0;
    const Eigen::Map<const Vec> t(tall.data() + row * T, T);
    fits[static_cast<std::size_t>(j)] =
        fit_action_angles(flow, m.params, x.middleCols(j * T, T), t);
  }
  double loss = 0, max_rel = 0, max_res = 0, sum_rel = 0, weighted = 0;
  long n_rel = 0;
  for (long j = 0; j < nt; ++j) {
    const auto& fj = fits[static_cast<std::size_t>(j)];
    double rmax = 0, var = 0, sd_sum = 0, mean_sum = 0;
    for (const auto& p : fj) rmax = std::max(rmax, p.r_mean);
    for (long i = 0; i < n; ++i) {
      const PlaneFit& p = fj[static_cast<std::size_t>(i)];
      r_mean(j, i) = p.r_mean;
      r_rel(j, i) = p.r_rel_std;
      omega(j, i) = p.omega;
      resid(j, i) = p.angle_residual;
      var += std::pow(p.r_rel_std * p.r_mean, 2);
      sd_sum += p.r_rel_std * p.r_mean;
      mean_sum += p.r_mean;
      if (p.r_mean > 1e-6 * rmax) {
        max_rel = std::max(max_rel, p.r_rel_std);
        sum_rel += p.r_rel_std;
        ++n_rel;
        max_res = std::max(max_res, p.angle_residual);
      }
    }
    loss += 2.0 * var / static_cast<double>(n) / static_cast<double>(nt);
    weighted += sd_sum / mean_sum / static_cast<double>(nt);
    first.col(j) = x.col(j * T);
  }

  EvaluateSummary sum;
  sum.model = model.kind();
  sum.system = info.system;
  sum.energy = "none";
  sum.integrator = "none";
  sum.n_rollouts = nt;
  sum.n_times = T;
  sum.metrics.push_back({"action_loss", loss, false, 0});
  sum.metrics.push_back({"max_r_rel_std", max_rel, false, 0});
  sum.metrics.push_back({"mean_r_rel_std", n_rel ? sum_rel / n_rel : std::nan(""), false, 0});
  sum.metrics.push_back({"weighted_r_rel_std", weighted, false, 0});
  sum.metrics.push_back({"max_angle_residual", max_res, false, 0});
  // The baseline a learned map should beat: the linear normal modes' actions (FPUT data only).
  if (const auto sys = data_system(file, data)) {
    const auto& fput = dynamic_cast<const Fput&>(*sys);
    RelStd lin;
    for (long j = 0; j < nt; ++j) {
      const RelStd r = linear_action_fluctuation(fput, x.middleCols(j * T, T));
      lin.max = std::max(lin.max, r.max);
      lin.sum += r.sum;
      lin.count += r.count;
      lin.weighted += r.weighted / static_cast<double>(nt);
    }
    sum.metrics.push_back({"linear_max_rel_std", lin.max, false, 0});
    sum.metrics.push_back(
        {"linear_mean_rel_std", lin.count ? lin.sum / lin.count : std::nan(""), false, 0});
    sum.metrics.push_back({"linear_weighted_rel_std", lin.weighted, false, 0});
  }
  sum.metrics.push_back({"symplectic_error", symplectic_error(flow, m.params, first), false, 0});
  for (long i = 0; i < n; ++i) {
    double s = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
    long cnt = 0;
    for (long j = 0; j < nt; ++j) {
      if (!(r_mean(j, i) > 1e-6 * r_mean.row(j).maxCoeff())) continue;
      s += omega(j, i);
      lo = std::min(lo, omega(j, i));
      hi = std::max(hi, omega(j, i));
      ++cnt;
    }
    sum.metrics.push_back({"omega_" + std::to_string(i), cnt ? s / cnt : std::nan(""), false, 0});
    sum.metrics.push_back(
        {"omega_spread_" + std::to_string(i), cnt ? hi - lo : std::nan(""), false, 0});
  }

  AtomicH5File out(req.output, MPI_COMM_SELF, req.overwrite);
  const h5::File& f = out.file();
  write_table(f, "/flow/r_mean", r_mean);
  write_table(f, "/flow/r_rel_std", r_rel);
  write_table(f, "/flow/omega", omega);
  write_table(f, "/flow/angle_residual", resid);
  write_evaluation_common(f, sum.metrics, prov, resolved,
                          req.input.empty() ? cfg.source() : req.input, "hnn-flow-evaluation",
                          model.kind(), req.model, data);
  h5::write_attr(f, "/", "split", split);
  out.commit();
  sum.output = req.output;
  sum.notes.push_back(std::to_string(nt) + " " + split + " trajectories; omega_i is the learned "
                      "frequency of latent plane i");
  return sum;
}

}  // namespace hnn
