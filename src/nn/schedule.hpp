// Learning-rate schedules as pure functions of the number of updates already made (step = 0 for
// the first update), with PyTorch's closed forms:
//   constant  lr
//   step      lr · γ^(number of milestones ≤ step)                       (MultiStepLR)
//   cosine    η_min + (lr − η_min)(1 + cos(π step / T_max)) / 2          (CosineAnnealingLR)
// The cosine form is PyTorch's: past T_max it rises again (period 2 T_max); set T_max to the run
// length for the usual single decay. MultiStepLR's recursive form multiplies by γ at each
// milestone; the closed form here may differ from it in the last bit.
#pragma once

#include <string>
#include <vector>

namespace hnn {

struct LrSchedule {
  enum class Kind { constant, step, cosine };
  Kind kind = Kind::constant;
  double lr = 1e-3;              // base learning rate
  std::vector<long> milestones;  // step: non-decreasing update counts
  double gamma = 0.1;            // step: factor per milestone
  long t_max = 1;                // cosine: half period, in updates (≥ 1)
  double eta_min = 0.0;          // cosine: minimum
};

// "constant", "step", "cosine"; throws ConfigError listing the choices.
LrSchedule::Kind schedule_kind_from_name(const std::string& name);
std::string schedule_kind_name(LrSchedule::Kind kind);
// Throws ConfigError on lr < 0, decreasing or negative milestones, gamma ≤ 0, t_max < 1.
void validate(const LrSchedule& s);

// Learning rate for the update that follows STEP updates (step ≥ 0).
double learning_rate(const LrSchedule& s, long step);

}  // namespace hnn
