// Common vector types. States are Eigen column vectors x = (q_1..q_n, p_1..p_n) of size 2n.
#pragma once

#include <Eigen/Core>

namespace hnn {

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;
using VecRef = Eigen::Ref<Vec>;
using ConstVecRef = Eigen::Ref<const Vec>;
using MatRef = Eigen::Ref<Mat>;
using ConstMatRef = Eigen::Ref<const Mat>;

}  // namespace hnn
