#include "integrators/dopri5.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"

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

void Dopri5::resize(Eigen::Index d) {
  if (y_.size() == d) return;
  for (Vec* v : {&y_, &y_new_, &tmp_, &k1_, &k2_, &k3_, &k4_, &k5_, &k6_, &k7_}) v->resize(d);
}

double Dopri5::initial_step(const VectorField& f, double interval) {
  // scipy.integrate._ivp.common.select_initial_step (Hairer, Nørsett & Wanner, "Solving ODEs I",
  // sec. II.4), with order = 4 (the error estimator's).
  const Eigen::Index d = y_.size();
  if (d == 0) return interval;
  const double n = static_cast<double>(d);
  double s0 = 0.0, s1 = 0.0;
  for (Eigen::Index i = 0; i < d; ++i) {
    const double sc = opt_.atol + std::abs(y_[i]) * opt_.rtol;
    s0 += (y_[i] / sc) * (y_[i] / sc);
    s1 += (k1_[i] / sc) * (k1_[i] / sc);
  }
  const double d0 = std::sqrt(s0 / n), d1n = std::sqrt(s1 / n);
  double h0 = (d0 < 1e-5 || d1n < 1e-5) ? 1e-6 : 0.01 * d0 / d1n;
  h0 = std::min(h0, interval);
  tmp_ = y_ + h0 * k1_;
  f.field(tmp_, k2_);
  ++stats_.evals;
  double s2 = 0.0;
  for (Eigen::Index i = 0; i < d; ++i) {
    const double sc = opt_.atol + std::abs(y_[i]) * opt_.rtol;
    const double v = (k2_[i] - k1_[i]) / sc;
    s2 += v * v;
  }
  const double d2 = std::sqrt(s2 / n) / h0;
  const double h1 = (d1n <= 1e-15 && d2 <= 1e-15) ? std::max(1e-6, h0 * 1e-3)
                                                  : std::pow(0.01 / std::max(d1n, d2), 1.0 / 5.0);
  double h = std::min({100.0 * h0, h1, interval, opt_.max_step});
  return std::isfinite(h) ? h : h0;  // non-finite f(y0 + h0 f0): let step control shrink it
}

double Dopri5::attempt(const VectorField& f, double h) {
  tmp_ = y_ + (h * a21) * k1_;
  f.field(tmp_, k2_);
  tmp_ = y_ + h * (a31 * k1_ + a32 * k2_);
  f.field(tmp_, k3_);
  tmp_ = y_ + h * (a41 * k1_ + a42 * k2_ + a43 * k3_);
  f.field(tmp_, k4_);
  tmp_ = y_ + h * (a51 * k1_ + a52 * k2_ + a53 * k3_ + a54 * k4_);
  f.field(tmp_, k5_);
  tmp_ = y_ + h * (a61 * k1_ + a62 * k2_ + a63 * k3_ + a64 * k4_ + a65 * k5_);
  f.field(tmp_, k6_);
  y_new_ = y_ + h * (b1 * k1_ + b3 * k3_ + b4 * k4_ + b5 * k5_ + b6 * k6_);
  f.field(y_new_, k7_);
  stats_.evals += 6;

  const Eigen::Index d = y_.size();
  if (d == 0) return 0.0;
  double sum = 0.0;
  for (Eigen::Index i = 0; i < d; ++i) {
    const double err =
        h * (e1 * k1_[i] + e3 * k3_[i] + e4 * k4_[i] + e5 * k5_[i] + e6 * k6_[i] + e7 * k7_[i]);
    const double sc = opt_.atol + opt_.rtol * std::max(std::abs(y_[i]), std::abs(y_new_[i]));
    sum += (err / sc) * (err / sc);
  }
  const double norm = std::sqrt(sum / static_cast<double>(d));
  // Non-finite stages or state make the step unusable even if the ratio above happens to be finite.
  if (!std::isfinite(norm) || !y_new_.allFinite() || !k7_.allFinite())
    return std::numeric_limits<double>::quiet_NaN();
  return norm;
}

void Dopri5::dense(double h, double theta, double* out) const {
  // CONTD5 of dopri5.f: y + θ(Δ + (1−θ)(b + θ(Δ − h k7 − b + (1−θ) r5))), with Δ = y_new − y,
  // b = h k1 − Δ, r5 = h Σ d_i k_i.
  const double theta1 = 1.0 - theta;
  for (Eigen::Index i = 0; i < y_.size(); ++i) {
    const double ydiff = y_new_[i] - y_[i];
    const double bspl = h * k1_[i] - ydiff;
    const double r4 = ydiff - h * k7_[i] - bspl;
    const double r5 =
        h * (d1 * k1_[i] + d3 * k3_[i] + d4 * k4_[i] + d5 * k5_[i] + d6 * k6_[i] + d7 * k7_[i]);
    out[i] = y_[i] + theta * (ydiff + theta1 * (bspl + theta * (r4 + theta1 * r5)));
  }
}

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
  resize(d);
  y_ = x0;

  std::size_t next = 0;  // next output to write
  auto write_state = [&](double t) {
    while (next < times.size() && times[next] == t) {
      Eigen::Map<Vec>(out + next * d, d) = y_;
      ++next;
    }
  };
  write_state(t0);
  if (next == times.size()) return;
  if (!y_.allFinite()) throw NumericsError("dopri5: initial state is not finite");

  const double t_end = times.back();
  double t = t0;
  f.field(y_, k1_);
  ++stats_.evals;
  double h_abs = opt_.first_step > 0.0 ? opt_.first_step : initial_step(f, t_end - t0);

  long attempts = 0;
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
      const double err = attempt(f, h);
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
      ++stats_.rejected;
    }
    ++stats_.steps;

    // Outputs strictly inside (t, t_new) from the continuous extension; at t_new the state.
    while (next < times.size() && times[next] < t_new) {
      dense(h, (times[next] - t) / h, out + next * d);
      ++next;
    }
    y_.swap(y_new_);
    k1_.swap(k7_);  // FSAL
    t = t_new;
    write_state(t);
  }
}

}  // namespace hnn
