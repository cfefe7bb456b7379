// The evaluation metrics of Greydanus et al. (2019) as their code computes them
// (shared/reference/hnn.md, "Evaluation"). Standard deviations are numpy's default (ddof = 0).
//
//   loss (train or test split), over the whole split, rows = samples, entries = rows · dim:
//     loss = mean over all entries of (predicted dx/dt − target dx/dt)²
//     ±    = std(all squared-error entries) / √rows
//   rollouts: n rollouts × T times; X_learned, X_true (n, T, dim); energies E (n × T):
//     state MSE  = mean over rollouts, times, components of (x_learned − x_true)²
//     energy MSE = mean over rollouts and times of (E(x_learned) − E(x_true))²
//     energy ±   = the per-rollout means m_i (i < n) split into G = 5 consecutive groups,
//                  std(group means) / √G. With fewer than G rollouts (one measured rollout), the
//                  per-time squared errors of all rollouts, rollout after rollout, are split
//                  instead. Groups are numpy's array_split (sizes differ by at most one, the
//                  first ones larger), equal when G divides the count, as in the reference.
//     drift      = max over rollouts of |E(t_end) − E(t_0)| along the learned rollout.
#pragma once

#include <span>
#include <vector>

#include "core/types.hpp"

namespace hnn {

struct MeanPm {
  double mean = 0, pm = 0;  // a figure and its "±"
};

// std (ddof = 0) of the means of G consecutive array_split groups of VALUES, divided by √G.
// NaN when VALUES has fewer than G entries.
double grouped_standard_error(std::span<const double> values, int groups = 5);

// Loss over a split: PRED and TARGET (dim × rows).
MeanPm loss_with_pm(ConstMatRef pred, ConstMatRef target);

// Energy MSE and its ±: E_LEARNED and E_TRUE (n × T), rows are rollouts.
MeanPm energy_mse(ConstMatRef e_learned, ConstMatRef e_true, int groups = 5);

// State MSE: X_LEARNED and X_TRUE (n, T, dim) as (dim × (n·T)) columns (any common layout).
double state_mse(ConstMatRef x_learned, ConstMatRef x_true);

// max over rows of |E(i, T−1) − E(i, 0)|; E (n × T).
double energy_drift(ConstMatRef e);

}  // namespace hnn
