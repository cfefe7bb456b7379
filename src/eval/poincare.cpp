#include "eval/poincare.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <span>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "integrators/dopri5.hpp"
#include "io/atomic_file.hpp"
#include "io/config.hpp"
#include "io/hdf5.hpp"
#include "io/provenance.hpp"
#include "models/learned_field.hpp"
#include "models/model_file.hpp"
#include "parallel/mpi.hpp"
#include "systems/registry.hpp"

namespace hnn {

double hermite_eval(double y0, double y1, double d0, double d1, double h, double s) {
  const double s2 = s * s, s3 = s2 * s;
  const double h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s, h01 = -2 * s3 + 3 * s2,
               h11 = s3 - s2;
  return h00 * y0 + h10 * h * d0 + h01 * y1 + h11 * h * d1;
}

double hermite_root(double g0, double g1, double d0, double d1, double h) {
  if (g0 == 0) return 0.0;
  if (g1 == 0) return 1.0;
  if (!(g0 * g1 < 0) || !(h > 0))
    throw NumericsError("hermite_root: no sign change on the interval");
  // Bracket [a, b] with p(a) of the sign of g0; Newton steps that leave it are replaced by
  // bisection.
  double a = 0, b = 1, s = g0 / (g0 - g1);  // secant start
  const double sgn0 = g0 > 0 ? 1.0 : -1.0;
  for (int it = 0; it < 200; ++it) {
    const double p = hermite_eval(g0, g1, d0, d1, h, s);
    if (p == 0) return s;
    if (p * sgn0 > 0) a = s; else b = s;
    // dp/ds
    const double s2 = s * s;
    const double dp = (6 * s2 - 6 * s) * g0 + (3 * s2 - 4 * s + 1) * h * d0 +
                      (-6 * s2 + 6 * s) * g1 + (3 * s2 - 2 * s) * h * d1;
    double next = dp != 0 ? s - p / dp : 0.5 * (a + b);
    if (!(next > std::min(a, b) && next < std::max(a, b))) next = 0.5 * (a + b);
    if (std::abs(b - a) <= 4 * std::numeric_limits<double>::epsilon() ||
        std::abs(next - s) <= 4 * std::numeric_limits<double>::epsilon())
      return next;
    s = next;
  }
  return s;
}

namespace {

struct Settings {
  std::unique_ptr<System> system;
  Dopri5Options dopri;
  long n_orbits = 0, coordinate = 0;
  double t_end = 0, sample_dt = 0.01, value = 0;
  std::string direction;
  std::uint64_t seed = 0;
  std::string output, resolved, source;
};

Settings read_settings(const PoincareRequest& req) {
  Config cfg = Config::from_file(req.input, req.overrides);
  cfg.check_sections({"system", "integrator", "poincare", "output"});
  Settings s;
  s.source = req.input;
  s.system = make_system(cfg.section("system"));
  const Section in = cfg.section("integrator");
  in.get_choice("name", {"dopri5"}, "dopri5");
  s.dopri.rtol = in.get_positive("rtol", 1e-10);
  s.dopri.atol = in.get_positive("atol", 1e-10);
  const Section p = cfg.section("poincare");
  s.n_orbits = p.get_count("n_orbits");
  s.t_end = p.get_positive("t_end");
  s.sample_dt = p.get_positive("sample_dt", 0.01);
  p.require(s.sample_dt <= s.t_end, "sample_dt", "must not exceed t_end");
  p.require(s.t_end / s.sample_dt <= 1e9, "sample_dt", "too small for t_end (over 1e9 samples)");
  s.coordinate = p.get_int("coordinate", 0);
  p.require(s.coordinate >= 0 && s.coordinate < s.system->dim(), "coordinate",
            "must be an index into the state x = (q, p), 0.." +
                std::to_string(s.system->dim() - 1));
  s.value = p.get_double("value", 0.0);
  s.direction = p.get_choice("direction", {"up", "down", "both"}, "up");
  const long seed = p.get_int("seed", 0);
  p.require(seed >= 0, "seed", "must be >= 0");
  s.seed = static_cast<std::uint64_t>(seed);
  const Section o = cfg.section("output");
  s.output = o.get_string("path", "poincare.h5");
  if (!req.output.empty()) s.output = req.output;
  cfg.check_all_used();
  s.resolved = cfg.resolved_text();
  return s;
}

struct OrbitResult {
  std::vector<double> x, t;  // crossings (row-major, dim each) and their times
};

// Crossings of one orbit: samples at k·dt, Hermite root between samples with a sign change.
void orbit_crossings(const Settings& s, const VectorField& f, Dopri5& integ, ConstVecRef x0,
                     OrbitResult& r) {
  const long dim = f.dim(), c = s.coordinate;
  const long n = static_cast<long>(std::floor(s.t_end / s.sample_dt + 1e-9)) + 1;
  std::vector<double> times(static_cast<std::size_t>(n));
  for (long k = 0; k < n; ++k) times[static_cast<std::size_t>(k)] = static_cast<double>(k) * s.sample_dt;
  std::vector<double> xs(static_cast<std::size_t>(n * dim));
  integ.integrate(f, x0, 0.0, times, xs.data());
  Vec fa(dim), fb(dim);
  const double h = s.sample_dt;
  const bool up = s.direction != "down", down = s.direction != "up";
  for (long k = 0; k + 1 < n; ++k) {
    const double* xa = xs.data() + k * dim;
    const double* xb = xa + dim;
    const double ga = xa[c] - s.value, gb = xb[c] - s.value;
    const bool cross = (up && ga < 0 && gb >= 0) || (down && ga > 0 && gb <= 0);
    if (!cross) continue;
    f.field(Eigen::Map<const Vec>(xa, dim), fa);
    f.field(Eigen::Map<const Vec>(xb, dim), fb);
    const double sr = hermite_root(ga, gb, fa[c], fb[c], h);
    for (long i = 0; i < dim; ++i) r.x.push_back(hermite_eval(xa[i], xb[i], fa[i], fb[i], h, sr));
    r.t.push_back(times[static_cast<std::size_t>(k)] + sr * h);
  }
}

}  // namespace

PoincareSummary poincare(const PoincareRequest& req, MPI_Comm comm) {
  const auto t_start = std::chrono::steady_clock::now();
  const Provenance prov = collect_provenance(comm, req.command_line);
  PoincareSummary sum;
  run_collective(comm, [&] {
    if (mpi_rank(comm) != 0) return;
    const Settings s = read_settings(req);
    if (std::filesystem::exists(s.output) && !req.overwrite)
      throw IoError(s.output + ": output exists (use --overwrite to replace it)");
    const long dim = s.system->dim();
    LoadedModel m;
    if (!req.model.empty()) {
      m = load_model_file(req.model);
      if (m.model->trains_on_trajectories())
        throw ConfigError(req.model + ": a '" + m.model->kind() +
                          "' model has no vector field to integrate");
      if (m.model->dim() != dim)
        throw ConfigError(req.model + ": the model has dimension " +
                          std::to_string(m.model->dim()) + ", system '" + s.system->name() +
                          "' " + std::to_string(dim));
      if (m.system != "measured" && !m.system.empty() && m.system != s.system->name())
        throw ConfigError(req.model + ": the model was trained on system '" + m.system +
                          "', the input's [system] is '" + s.system->name() + "'");
    }
    // Initial states (serial: cheap, and one stream per orbit anyway).
    Mat x0(dim, s.n_orbits);
    for (long i = 0; i < s.n_orbits; ++i) {
      Rng rng(s.seed, static_cast<std::uint64_t>(i));
      x0.col(i) = s.system->sample(rng);
    }
    std::vector<OrbitResult> res(static_cast<std::size_t>(s.n_orbits));
    std::vector<std::exception_ptr> errs(static_cast<std::size_t>(s.n_orbits));
#pragma omp parallel
    {
      std::unique_ptr<VectorField> learned;
      if (!req.model.empty()) {
        if (m.model->has_energy())
          learned = std::make_unique<LearnedHamiltonian>(*m.model, m.params);
        else
          learned = std::make_unique<LearnedField>(*m.model, m.params);
      }
      const VectorField& f = learned ? *learned : static_cast<const VectorField&>(*s.system);
      Dopri5 integ(s.dopri);
#pragma omp for schedule(dynamic, 1)
      for (long i = 0; i < s.n_orbits; ++i) {
        try {
          orbit_crossings(s, f, integ, x0.col(i), res[static_cast<std::size_t>(i)]);
        } catch (const std::exception& e) {
          try {
            throw NumericsError("orbit " + std::to_string(i) + ": " + e.what());
          } catch (...) {
            errs[static_cast<std::size_t>(i)] = std::current_exception();
          }
        }
      }
    }
    for (const auto& e : errs)
      if (e) std::rethrow_exception(e);

    long total = 0, min_per = std::numeric_limits<long>::max();
    for (const auto& r : res) {
      total += static_cast<long>(r.t.size());
      min_per = std::min(min_per, static_cast<long>(r.t.size()));
    }
    std::vector<double> xc, tc, hc;
    std::vector<std::int64_t> oc;
    xc.reserve(static_cast<std::size_t>(total * dim));
    double max_err = 0;
    for (long i = 0; i < s.n_orbits; ++i) {
      const auto& r = res[static_cast<std::size_t>(i)];
      const double e0 = s.system->energy(x0.col(i));
      for (std::size_t j = 0; j < r.t.size(); ++j) {
        const Eigen::Map<const Vec> xj(r.x.data() + j * static_cast<std::size_t>(dim), dim);
        const double hj = s.system->energy(xj);
        max_err = std::max(max_err, std::abs(hj - e0) / std::max(std::abs(e0), 1e-300));
        xc.insert(xc.end(), xj.data(), xj.data() + dim);
        tc.push_back(r.t[j]);
        hc.push_back(hj);
        oc.push_back(i);
      }
    }

    AtomicH5File out(s.output, MPI_COMM_SELF, req.overwrite);
    const h5::File& f = out.file();
    h5::create_group(f, "/poincare");
    const auto nc = static_cast<hsize_t>(total), d = static_cast<hsize_t>(dim);
    auto dx = h5::Dataset::create<double>(f, "/poincare/crossings", {nc, d});
    auto dt = h5::Dataset::create<double>(f, "/poincare/time", {nc});
    auto de = h5::Dataset::create<double>(f, "/poincare/energy", {nc});
    auto dorb = h5::Dataset::create<std::int64_t>(f, "/poincare/orbit", {nc});
    if (nc > 0) {
      dx.write_rows(xc.data(), 0, nc);
      dt.write_rows(tc.data(), 0, nc);
      de.write_rows(hc.data(), 0, nc);
      dorb.write_rows(oc.data(), 0, nc);
    }
    h5::Dataset::create<double>(f, "/poincare/initial", {static_cast<hsize_t>(s.n_orbits), d})
        .write_rows(x0.data(), 0, static_cast<hsize_t>(s.n_orbits));
    h5::write_attr(f, "/poincare", "coordinate", std::int64_t{s.coordinate});
    h5::write_attr(f, "/poincare", "value", s.value);
    h5::write_attr(f, "/poincare", "direction", s.direction);
    h5::write_attr(f, "/poincare", "system", s.system->name());
    h5::write_attr(f, "/poincare", "model", req.model);
    h5::write_attr(f, "/poincare", "n_orbits", std::int64_t{s.n_orbits});
    h5::write_attr(f, "/poincare", "t_end", s.t_end);
    h5::write_attr(f, "/poincare", "sample_dt", s.sample_dt);
    write_provenance(f, prov, s.resolved, s.source);
    h5::write_attr(f, "/", "format", std::string("hnn-poincare"));
    h5::write_attr(f, "/", "format_version", std::int64_t{1});
    h5::write_attr(f, "/", "system", s.system->name());
    out.commit();
    sum.output = s.output;
    sum.system = s.system->name();
    sum.model = req.model.empty() ? std::string("none (the system itself)") : m.model->kind();
    sum.direction = s.direction;
    sum.n_orbits = s.n_orbits;
    sum.n_crossings = total;
    sum.min_per_orbit = s.n_orbits > 0 ? min_per : 0;
    sum.coordinate = s.coordinate;
    sum.value = s.value;
    sum.max_energy_error = max_err;
  });
  sum.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return sum;
}

}  // namespace hnn
