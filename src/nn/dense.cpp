#include "nn/dense.hpp"

namespace hnn {

void dense_forward(const ConstMapMat& W, const ConstMapVec& b, const Mat& h, Mat& y) {
  y.noalias() = W * h;
  y.colwise() += b;
}

void dense_backward(const ConstMapMat& W, const Mat& h, const Mat& dy, MapMat dW, MapVec db,
                    Mat* dh) {
  dW.noalias() += dy * h.transpose();
  db += dy.rowwise().sum();
  if (dh) dh->noalias() += W.transpose() * dy;
}

void act_forward(Activation act, const Mat& a, Mat& out) {
  out.resize(a.rows(), a.cols());
  activation_eval<double>(act, a.data(), a.size(), out.data(), nullptr, nullptr);
}

void act_derivative(Activation act, const Mat& a, Mat& out) {
  out.resize(a.rows(), a.cols());
  activation_eval<double>(act, a.data(), a.size(), nullptr, out.data(), nullptr);
}

void residual_forward(Activation act, const ConstMapMat& W, const ConstMapVec& b, const Mat& h,
                      Mat& a, Mat& y) {
  dense_forward(W, b, h, a);
  act_forward(act, a, y);
  y += h;
}

void residual_backward(Activation act, const ConstMapMat& W, const Mat& h, const Mat& a,
                       const Mat& dy, MapMat dW, MapVec db, Mat& dh) {
  Mat delta;
  act_derivative(act, a, delta);
  delta.array() *= dy.array();
  dh += dy;
  dense_backward(W, h, delta, dW, db, &dh);
}

}  // namespace hnn
