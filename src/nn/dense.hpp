// Two layers of the pixel autoencoder as forward/backward pairs over views into a flat θ, with
// samples as columns (features × batch):
//   dense:           y = W h + b                     W: out × in, b: out
//   residual block:  y = h + σ(W h + b)              W: n × n,    b: n   (Greydanus's MLPAutoencoder)
// Backward passes ACCUMULATE into dW, db and dh (zero them once per step).
#pragma once

#include <Eigen/Core>

#include "core/types.hpp"
#include "nn/activation.hpp"

namespace hnn {

using ConstMapMat = Eigen::Map<const Mat>;
using ConstMapVec = Eigen::Map<const Vec>;
using MapMat = Eigen::Map<Mat>;
using MapVec = Eigen::Map<Vec>;

// y = W h + b.
void dense_forward(const ConstMapMat& W, const ConstMapVec& b, const Mat& h, Mat& y);
// dW += dy hᵀ, db += Σ_columns dy, and dh += Wᵀ dy when dh is not null.
void dense_backward(const ConstMapMat& W, const Mat& h, const Mat& dy, MapMat dW, MapVec db,
                    Mat* dh);

// Elementwise σ(a) and σ'(a) of a matrix (any shape).
void act_forward(Activation act, const Mat& a, Mat& out);
void act_derivative(Activation act, const Mat& a, Mat& out);

// y = h + σ(a), a = W h + b (a is kept for the backward pass).
void residual_forward(Activation act, const ConstMapMat& W, const ConstMapVec& b, const Mat& h,
                      Mat& a, Mat& y);
// With δ = σ'(a) ⊙ dy: dW += δ hᵀ, db += Σ_columns δ, dh += dy + Wᵀ δ.
void residual_backward(Activation act, const ConstMapMat& W, const Mat& h, const Mat& a,
                       const Mat& dy, MapMat dW, MapVec db, Mat& dh);

}  // namespace hnn
