#include "train/geco.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"

namespace hnn {

Geco::Geco(const GecoOptions& o) : o_(o) {
  auto bad = [](const std::string& what, double v) {
    throw ConfigError("geco: " + what + " = " + std::to_string(v) + " is out of range");
  };
  if (!(o.tolerance > 0)) bad("tolerance", o.tolerance);
  if (!(o.alpha >= 0 && o.alpha < 1)) bad("alpha", o.alpha);
  if (!(o.rate >= 0)) bad("rate", o.rate);
  if (!(o.min_weight > 0 && o.min_weight <= o.max_weight)) bad("min_weight", o.min_weight);
  if (!(o.initial_weight >= o.min_weight && o.initial_weight <= o.max_weight))
    bad("initial_weight", o.initial_weight);
  log_lambda_ = -std::log(o.initial_weight);
}

double Geco::weight() const { return std::exp(-log_lambda_); }

void Geco::update(double reconstruction) {
  if (!o_.enabled) return;
  const double c = reconstruction - o_.tolerance;
  c_ma_ = seen_ == 0 ? c : o_.alpha * c_ma_ + (1 - o_.alpha) * c;
  ++seen_;
  log_lambda_ = std::clamp(log_lambda_ + o_.rate * std::tanh(c_ma_ / o_.tolerance), -std::log(o_.max_weight),
                           -std::log(o_.min_weight));
}

std::vector<double> Geco::state() const {
  return {log_lambda_, c_ma_, static_cast<double>(seen_)};
}

void Geco::set_state(const std::vector<double>& s) {
  if (s.size() != 3)
    throw IoError("geco: checkpoint state has " + std::to_string(s.size()) + " values, expected 3");
  log_lambda_ = s[0];
  c_ma_ = s[1];
  seen_ = static_cast<long>(s[2]);
}

}  // namespace hnn
