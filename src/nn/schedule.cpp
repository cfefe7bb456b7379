#include "nn/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/error.hpp"

namespace hnn {

LrSchedule::Kind schedule_kind_from_name(const std::string& name) {
  if (name == "constant") return LrSchedule::Kind::constant;
  if (name == "step") return LrSchedule::Kind::step;
  if (name == "cosine") return LrSchedule::Kind::cosine;
  throw ConfigError("unknown learning-rate schedule '" + name +
                    "' (choices: constant, step, cosine)");
}

std::string schedule_kind_name(LrSchedule::Kind kind) {
  switch (kind) {
    case LrSchedule::Kind::constant:
      return "constant";
    case LrSchedule::Kind::step:
      return "step";
    case LrSchedule::Kind::cosine:
      return "cosine";
  }
  return "?";
}

void validate(const LrSchedule& s) {
  if (!(s.lr >= 0)) throw ConfigError("learning rate " + std::to_string(s.lr) + " is negative");
  if (s.kind == LrSchedule::Kind::step) {
    if (!(s.gamma > 0)) throw ConfigError("step schedule: gamma must be positive");
    if (!std::is_sorted(s.milestones.begin(), s.milestones.end()) ||
        (!s.milestones.empty() && s.milestones.front() < 0))
      throw ConfigError("step schedule: milestones must be non-negative and non-decreasing");
  }
  if (s.kind == LrSchedule::Kind::cosine && s.t_max < 1)
    throw ConfigError("cosine schedule: t_max = " + std::to_string(s.t_max) +
                      " must be at least 1");
}

double learning_rate(const LrSchedule& s, long step) {
  switch (s.kind) {
    case LrSchedule::Kind::constant:
      return s.lr;
    case LrSchedule::Kind::step: {
      // bisect_right(milestones, step): milestones ≤ step.
      const auto passed =
          std::upper_bound(s.milestones.begin(), s.milestones.end(), step) - s.milestones.begin();
      return s.lr * std::pow(s.gamma, static_cast<double>(passed));
    }
    case LrSchedule::Kind::cosine:
      return s.eta_min + (s.lr - s.eta_min) *
                             (1.0 + std::cos(std::numbers::pi * static_cast<double>(step) /
                                             static_cast<double>(s.t_max))) /
                             2.0;
  }
  return s.lr;
}

}  // namespace hnn
