#include "eval/metrics.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace hnn {

namespace {

// Population standard deviation (ddof = 0), two passes.
template <class It>
double std_dev(It begin, It end) {
  const auto n = static_cast<double>(end - begin);
  double mean = 0;
  for (It i = begin; i != end; ++i) mean += *i;
  mean /= n;
  double ss = 0;
  for (It i = begin; i != end; ++i) ss += (*i - mean) * (*i - mean);
  return std::sqrt(ss / n);
}

}  // namespace

double grouped_standard_error(std::span<const double> values, int groups) {
  const auto n = static_cast<long>(values.size());
  if (groups < 1 || n < groups) return std::numeric_limits<double>::quiet_NaN();
  // numpy.array_split: the first n % G groups hold one more element.
  const long base = n / groups, extra = n % groups;
  std::vector<double> means;
  long at = 0;
  for (long g = 0; g < groups; ++g) {
    const long len = base + (g < extra ? 1 : 0);
    double s = 0;
    for (long i = at; i < at + len; ++i) s += values[static_cast<std::size_t>(i)];
    means.push_back(s / static_cast<double>(len));
    at += len;
  }
  return std_dev(means.begin(), means.end()) / std::sqrt(static_cast<double>(groups));
}

MeanPm loss_with_pm(ConstMatRef pred, ConstMatRef target) {
  if (pred.rows() != target.rows() || pred.cols() != target.cols())
    throw NumericsError("loss_with_pm: predictions and targets differ in shape");
  if (pred.size() == 0) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan};
  }
  const Mat sq = (pred - target).array().square().matrix();
  MeanPm r;
  r.mean = sq.mean();
  r.pm = std_dev(sq.data(), sq.data() + sq.size()) / std::sqrt(static_cast<double>(pred.cols()));
  return r;
}

MeanPm energy_mse(ConstMatRef e_learned, ConstMatRef e_true, int groups) {
  if (e_learned.rows() != e_true.rows() || e_learned.cols() != e_true.cols())
    throw NumericsError("energy_mse: learned and true energies differ in shape");
  const Mat sq = (e_learned - e_true).array().square().matrix();  // (n × T)
  MeanPm r;
  r.mean = sq.mean();
  std::vector<double> v;
  if (sq.rows() >= groups) {
    for (long i = 0; i < sq.rows(); ++i) v.push_back(sq.row(i).mean());
  } else {
    for (long i = 0; i < sq.rows(); ++i)
      for (long k = 0; k < sq.cols(); ++k) v.push_back(sq(i, k));
  }
  r.pm = grouped_standard_error(v, groups);
  return r;
}

double state_mse(ConstMatRef x_learned, ConstMatRef x_true) {
  if (x_learned.rows() != x_true.rows() || x_learned.cols() != x_true.cols())
    throw NumericsError("state_mse: learned and true states differ in shape");
  return (x_learned - x_true).array().square().mean();
}

double energy_drift(ConstMatRef e) {
  double d = 0;
  for (long i = 0; i < e.rows(); ++i) {
    const double x = std::abs(e(i, e.cols() - 1) - e(i, 0));
    if (!(x <= d)) d = x;  // NaN propagates
  }
  return d;
}

}  // namespace hnn
