#include "integrators/dopri5.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <typeinfo>

#include "core/error.hpp"
#include "systems/henon_heiles.hpp"
#include "systems/pendulum.hpp"
#include "systems/spring.hpp"

namespace hnn {

namespace {

// Butcher tableau (Dormand & Prince 1980), as in Hairer's dopri5.f and scipy's RK45. The nodes
// c = (0, 1/5, 3/10, 4/5, 8/9, 1, 1) are not needed: f is autonomous.
constexpr double a21 = 1.0 / 5;
constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561,
                 a54 = -212.0 / 729;
constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                 a65 = -5103.0 / 18656;
// 5th-order weights (= the last row of A: stage 7 is f(y_new), FSAL).
constexpr double b1 = 35.0 / 384, b3 = 500.0 / 1113, b4 = 125.0 / 192, b5 = -2187.0 / 6784,
                 b6 = 11.0 / 84;
// Error weights: 5th- minus embedded 4th-order weights.
constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                 e6 = 22.0 / 525, e7 = -1.0 / 40;
// Continuous extension of Shampine (1986), as in dopri5.f.
constexpr double d1 = -12715105075.0 / 11282082432.0, d3 = 87487479700.0 / 32700410799.0,
                 d4 = -10690763975.0 / 1880347072.0, d5 = 701980252875.0 / 199316789632.0,
                 d6 = -1453857185.0 / 822651844.0, d7 = 69997945.0 / 29380423.0;

// Step size control (scipy.integrate._ivp.rk).
constexpr double kSafety = 0.9, kMinFactor = 0.2, kMaxFactor = 10.0;
constexpr double kErrorExponent = -1.0 / 5.0;  // −1/(order of the error estimator + 1)

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

}  // namespace

Dopri5::Dopri5(Dopri5Options opt) : opt_(opt) {
  auto positive = [](double v) { return v > 0.0 && !std::isnan(v); };
  if (!positive(opt_.rtol) || !std::isfinite(opt_.rtol))
    throw ConfigError("dopri5: rtol = " + fmt(opt_.rtol) + " must be finite and > 0");
  if (!positive(opt_.atol) || !std::isfinite(opt_.atol))
    throw ConfigError("dopri5: atol = " + fmt(opt_.atol) + " must be finite and > 0");
  if (!(opt_.first_step >= 0.0) || !std::isfinite(opt_.first_step))
    throw ConfigError("dopri5: first_step = " + fmt(opt_.first_step) +
                      " must be finite and >= 0 (0 = automatic)");
  if (!positive(opt_.max_step))
    throw ConfigError("dopri5: max_step = " + fmt(opt_.max_step) + " must be > 0");
  if (opt_.max_steps < 1)
    throw ConfigError("dopri5: max_steps = " + std::to_string(opt_.max_steps) + " must be >= 1");
  // As scipy: tighter relative tolerances are below what double precision can deliver.
  opt_.rtol = std::max(opt_.rtol, 100.0 * std::numeric_limits<double>::epsilon());
}

namespace {

// Work space of the kernel: the state before (y) and after (yn) a step, the argument of a stage
// (tmp) and the 7 stages. For a compile-time size D, plain arrays inside the kernel object, so
// that the loops over D are unrolled and the values can stay in registers.
template <int D>
struct Work {
  explicit Work(Vec& /*heap*/, Eigen::Index /*d*/) {}
  static constexpr Eigen::Index size() { return D; }
  double y[D], yn[D], tmp[D], k1[D], k2[D], k3[D], k4[D], k5[D], k6[D], k7[D];
};

// Runtime size: views of a heap buffer of 10·d doubles owned by the Dopri5 object.
template <>
struct Work<Eigen::Dynamic> {
  Work(Vec& heap, Eigen::Index d) : n(d) {
    if (heap.size() != 10 * d) heap.resize(10 * d);
    double* p = heap.data();
    for (double** v : {&y, &yn, &tmp, &k1, &k2, &k3, &k4, &k5, &k6, &k7}) {
      *v = p;
      p += d;
    }
  }
  Eigen::Index size() const { return n; }
  Eigen::Index n;
  double *y, *yn, *tmp, *k1, *k2, *k3, *k4, *k5, *k6, *k7;
};

// The generic field: the virtual VectorField::field() on maps of the work arrays.
struct VirtualField {
  const VectorField& f;
  Eigen::Index d;
  void operator()(const double* x, double* dxdt) const {
    Eigen::Map<Vec> out(dxdt, d);
    f.field(Eigen::Map<const Vec>(x, d), out);
  }
};

// A system's inline field_inline(), compiled into the kernel.
template <class S>
struct InlineField {
  const S& s;
  void operator()(const double* x, double* dxdt) const { s.field_inline(x, dxdt); }
};

// The whole integration for a state of size D (or Eigen::Dynamic) and a field callable
// F: void(const double* x, double* dxdt).
template <int D, class F>
class Kernel {
 public:
  Kernel(const F& f, const Dopri5Options& opt, Vec& heap, Eigen::Index d)
      : f_(f), opt_(opt), w_(heap, d) {}

  // Dopri5::integrate() after its argument checks (times non-empty and valid).
  void run(const double* x0, double t0, std::span<const double> times, double* out,
           IntegratorStats& stats);

 private:
  // Hairer's initial step (scipy's select_initial_step); k1 = f(y) must be set.
  double initial_step(double interval);
  // One Dormand–Prince step of size h from y (with k1 = f(y)): fills k2..k7 and yn, returns
  // ‖err‖ (NaN when the step produced non-finite values).
  double attempt(double h);
  // Writes the continuous extension at θ in (0, 1) of the last step (old state y, size h) to out.
  void dense(double h, double theta, double* out) const;

  const F& f_;
  const Dopri5Options opt_;
  Work<D> w_;
  long evals_ = 0;
};

template <int D, class F>
double Kernel<D, F>::initial_step(double interval) {
  // scipy.integrate._ivp.common.select_initial_step (Hairer, Nørsett & Wanner, "Solving ODEs I",
  // sec. II.4), with order = 4 (the error estimator's).
  const Eigen::Index d = w_.size();
  if (d == 0) return interval;
  const double n = static_cast<double>(d);
  const double *y = w_.y, *k1 = w_.k1;
  double s0 = 0.0, s1 = 0.0;
  for (Eigen::Index i = 0; i < d; ++i) {
    const double sc = opt_.atol + std::abs(y[i]) * opt_.rtol;
    s0 += (y[i] / sc) * (y[i] / sc);
    s1 += (k1[i] / sc) * (k1[i] / sc);
  }
  const double d0 = std::sqrt(s0 / n), d1n = std::sqrt(s1 / n);
  double h0 = (d0 < 1e-5 || d1n < 1e-5) ? 1e-6 : 0.01 * d0 / d1n;
  h0 = std::min(h0, interval);
  for (Eigen::Index i = 0; i < d; ++i) w_.tmp[i] = y[i] + h0 * k1[i];
  f_(w_.tmp, w_.k2);
  ++evals_;
  double s2 = 0.0;
  for (Eigen::Index i = 0; i < d; ++i) {
    const double sc = opt_.atol + std::abs(y[i]) * opt_.rtol;
    const double v = (w_.k2[i] - k1[i]) / sc;
    s2 += v * v;
  }
  const double d2 = std::sqrt(s2 / n) / h0;
  const double h1 = (d1n <= 1e-15 && d2 <= 1e-15) ? std::max(1e-6, h0 * 1e-3)
                                                  : std::pow(0.01 / std::max(d1n, d2), 1.0 / 5.0);
  double h = std::min({100.0 * h0, h1, interval, opt_.max_step});
  return std::isfinite(h) ? h : h0;  // non-finite f(y0 + h0 f0): let step control shrink it
}

template <int D, class F>
double Kernel<D, F>::attempt(double h) {
  const Eigen::Index d = w_.size();
  Work<D>& w = w_;
  for (Eigen::Index i = 0; i < d; ++i) w.tmp[i] = w.y[i] + (h * a21) * w.k1[i];
  f_(w.tmp, w.k2);
  for (Eigen::Index i = 0; i < d; ++i) w.tmp[i] = w.y[i] + h * (a31 * w.k1[i] + a32 * w.k2[i]);
  f_(w.tmp, w.k3);
  for (Eigen::Index i = 0; i < d; ++i)
    w.tmp[i] = w.y[i] + h * (a41 * w.k1[i] + a42 * w.k2[i] + a43 * w.k3[i]);
  f_(w.tmp, w.k4);
  for (Eigen::Index i = 0; i < d; ++i)
    w.tmp[i] = w.y[i] + h * (a51 * w.k1[i] + a52 * w.k2[i] + a53 * w.k3[i] + a54 * w.k4[i]);
  f_(w.tmp, w.k5);
  for (Eigen::Index i = 0; i < d; ++i)
    w.tmp[i] = w.y[i] + h * (a61 * w.k1[i] + a62 * w.k2[i] + a63 * w.k3[i] + a64 * w.k4[i] +
                             a65 * w.k5[i]);
  f_(w.tmp, w.k6);
  for (Eigen::Index i = 0; i < d; ++i)
    w.yn[i] = w.y[i] + h * (b1 * w.k1[i] + b3 * w.k3[i] + b4 * w.k4[i] + b5 * w.k5[i] +
                            b6 * w.k6[i]);
  f_(w.yn, w.k7);
  evals_ += 6;

  if (d == 0) return 0.0;
  double sum = 0.0;
  double nonfinite = 0.0;  // x − x is 0 for finite x and NaN for ±inf and NaN
  for (Eigen::Index i = 0; i < d; ++i) {
    const double err = h * (e1 * w.k1[i] + e3 * w.k3[i] + e4 * w.k4[i] + e5 * w.k5[i] +
                            e6 * w.k6[i] + e7 * w.k7[i]);
    const double sc = opt_.atol + opt_.rtol * std::max(std::abs(w.y[i]), std::abs(w.yn[i]));
    sum += (err / sc) * (err / sc);
    nonfinite += (w.yn[i] - w.yn[i]) + (w.k7[i] - w.k7[i]);
  }
  const double norm = std::sqrt(sum / static_cast<double>(d));
  // Non-finite stages or state make the step unusable even if the ratio above happens to be finite.
  if (!std::isfinite(norm) || nonfinite != 0.0) return std::numeric_limits<double>::quiet_NaN();
  return norm;
}

template <int D, class F>
void Kernel<D, F>::dense(double h, double theta, double* out) const {
  // CONTD5 of dopri5.f: y + θ(Δ + (1−θ)(b + θ(Δ − h k7 − b + (1−θ) r5))), with Δ = y_new − y,
  // b = h k1 − Δ, r5 = h Σ d_i k_i.
  const Work<D>& w = w_;
  const double theta1 = 1.0 - theta;
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    const double ydiff = w.yn[i] - w.y[i];
    const double bspl = h * w.k1[i] - ydiff;
    const double r4 = ydiff - h * w.k7[i] - bspl;
    const double r5 = h * (d1 * w.k1[i] + d3 * w.k3[i] + d4 * w.k4[i] + d5 * w.k5[i] +
                           d6 * w.k6[i] + d7 * w.k7[i]);
    out[i] = w.y[i] + theta * (ydiff + theta1 * (bspl + theta * (r4 + theta1 * r5)));
  }
}

template <int D, class F>
void Kernel<D, F>::run(const double* x0, double t0, std::span<const double> times, double* out,
                       IntegratorStats& stats) {
  const Eigen::Index d = w_.size();
  std::copy_n(x0, d, w_.y);

  std::size_t next = 0;  // next output to write
  auto write_state = [&](double t) {
    while (next < times.size() && times[next] == t) {
      std::copy_n(w_.y, d, out + next * d);
      ++next;
    }
  };
  write_state(t0);
  if (next == times.size()) return;
  if (!std::all_of(w_.y, w_.y + d, [](double v) { return std::isfinite(v); }))
    throw NumericsError("dopri5: initial state is not finite");

  const double t_end = times.back();
  double t = t0;
  f_(w_.y, w_.k1);
  ++evals_;
  double h_abs = opt_.first_step > 0.0 ? opt_.first_step : initial_step(t_end - t0);

  long attempts = 0, steps = 0, rejections = 0;
  while (t < t_end) {
    const double min_step = 10.0 * (std::nextafter(t, std::numeric_limits<double>::infinity()) - t);
    h_abs = std::clamp(h_abs, min_step, std::max(min_step, opt_.max_step));
    bool rejected = false, nonfinite = false;
    double t_new = t, h = 0.0;
    while (true) {
      if (h_abs < min_step || !std::isfinite(h_abs))
        throw NumericsError("dopri5: step size underflow at t = " + fmt(t) + " (h = " + fmt(h_abs) +
                            " below 10 ulp of t" +
                            (nonfinite ? "; the last attempted step gave a non-finite state" : "") +
                            "): the solution blows up or the vector field is singular there");
      if (++attempts > opt_.max_steps)
        throw NumericsError("dopri5: more than max_steps = " + std::to_string(opt_.max_steps) +
                            " steps before t = " + fmt(t_end) + " (reached t = " + fmt(t) +
                            "); raise max_steps or loosen rtol/atol");
      t_new = t + h_abs;
      if (t_new > t_end) t_new = t_end;
      h = t_new - t;
      h_abs = h;
      const double err = attempt(h);
      if (err < 1.0) {
        double factor =
            err == 0.0 ? kMaxFactor : std::min(kMaxFactor, kSafety * std::pow(err, kErrorExponent));
        if (rejected) factor = std::min(1.0, factor);
        h_abs *= factor;
        break;
      }
      // Rejected (a NaN norm, from non-finite values, shrinks the step by the largest factor).
      nonfinite = std::isnan(err);
      h_abs *=
          nonfinite ? kMinFactor : std::max(kMinFactor, kSafety * std::pow(err, kErrorExponent));
      rejected = true;
      ++rejections;
    }
    ++steps;

    // Outputs strictly inside (t, t_new) from the continuous extension; at t_new the state.
    while (next < times.size() && times[next] < t_new) {
      dense(h, (times[next] - t) / h, out + next * d);
      ++next;
    }
    std::copy_n(w_.yn, d, w_.y);
    std::copy_n(w_.k7, d, w_.k1);  // FSAL
    t = t_new;
    write_state(t);
  }
  stats.steps = steps;
  stats.rejected = rejections;
  stats.evals = evals_;
}

// The arguments of one integrate() call, passed on to the kernel.
struct Call {
  const Dopri5Options& opt;
  Vec& heap;  // work space of the Eigen::Dynamic kernel
  const double* x0;
  double t0;
  std::span<const double> times;
  double* out;
  IntegratorStats& stats;
};

template <int D, class F>
void run_kernel(const F& f, const Call& c, Eigen::Index d) {
  Kernel<D, F>(f, c.opt, c.heap, d).run(c.x0, c.t0, c.times, c.out, c.stats);
}

// The inlined systems' test (see dopri5.hpp): exact type, so that a class derived from one of
// them could never get its parent's field.
template <class S, int D>
bool run_inlined(const VectorField& f, const Call& c) {
  if (typeid(f) != typeid(S)) return false;
  run_kernel<D>(InlineField<S>{static_cast<const S&>(f)}, c, D);
  return true;
}

}  // namespace

void Dopri5::integrate(const VectorField& f, ConstVecRef x0, double t0,
                       std::span<const double> times, double* out) {
  stats_ = {};
  const Eigen::Index d = f.dim();
  if (x0.size() != d)
    throw NumericsError("dopri5: initial state has size " + std::to_string(x0.size()) +
                        ", the vector field " + std::to_string(d));
  double prev = t0;
  for (double t : times) {
    if (!(t >= prev) || !std::isfinite(t))
      throw NumericsError("dopri5: output times must be finite, non-decreasing and >= t0 = " +
                          fmt(t0) + " (got " + fmt(t) + " after " + fmt(prev) + ")");
    prev = t;
  }
  if (times.empty()) return;

  const Call call{opt_, work_, x0.data(), t0, times, out, stats_};
  if (run_inlined<Pendulum, 2>(f, call) || run_inlined<Spring, 2>(f, call) ||
      run_inlined<HenonHeiles, 4>(f, call))
    return;
  const VirtualField field{f, d};
  switch (d) {
    case 2: return run_kernel<2>(field, call, d);
    case 4: return run_kernel<4>(field, call, d);
    case 6: return run_kernel<6>(field, call, d);
    case 8: return run_kernel<8>(field, call, d);
    case 12: return run_kernel<12>(field, call, d);
    default: return run_kernel<Eigen::Dynamic>(field, call, d);
  }
}

}  // namespace hnn
