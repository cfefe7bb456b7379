#include "flows/generator.hpp"

#include "core/error.hpp"
#include "nn/init.hpp"

namespace hnn {

namespace {

// ---- F = MLP ----------------------------------------------------------------------------------

struct MlpGeneratorCache : GeneratorCache {
  MlpD::Cache net;
  Mat u, h, dh;  // argument (n × B), F (1 × B), zeros (1 × B)
};

MlpShape f_shape(int n, const std::vector<int>& hidden, Activation act) {
  MlpShape s;
  s.sizes.push_back(n);
  for (int h : hidden) s.sizes.push_back(h);
  s.sizes.push_back(1);
  s.act = act;
  return s;
}

class MlpGenerator final : public GeneratingFunction {
 public:
  MlpGenerator(int n, const std::vector<int>& hidden, Activation act, std::string init,
               double init_scale)
      : net_(f_shape(n, hidden, act)), init_(std::move(init)), init_scale_(init_scale) {
    if (!has_second_derivative(act))
      throw ConfigError("a coupling layer needs an activation with a second derivative (∇²F)");
    check_init_scheme(init_);
  }
  long n_params() const override { return net_.n_params(); }
  void init_params(Rng& rng, VecRef theta) const override {
    hnn::init_params<double>(net_.shape(), init_, rng, theta);
    net_.W(net_.n_layers() - 1, theta.data()) *= init_scale_;
  }
  std::unique_ptr<GeneratorCache> make_cache() const override {
    return std::make_unique<MlpGeneratorCache>();
  }
  void gradient(ConstVecRef theta, ConstMatRef u, Mat& g, GeneratorCache& gc) const override {
    auto& c = static_cast<MlpGeneratorCache&>(gc);
    c.u = u;
    c.h.resize(1, u.cols());
    g.resize(u.rows(), u.cols());
    net_.forward_with_input_grad(theta, c.u, c.h, g, c.net);
  }
  void gradient_backward(ConstVecRef theta, GeneratorCache& gc, ConstMatRef dg,
                         VecRef dtheta) const override {
    auto& c = static_cast<MlpGeneratorCache&>(gc);
    c.dh.setZero(1, dg.cols());
    net_.backward_through_input_grad(theta, c.net, c.dh, dg, dtheta);
  }
  void hvp(ConstVecRef theta, GeneratorCache& gc, ConstMatRef v, Mat& hv) const override {
    auto& c = static_cast<MlpGeneratorCache&>(gc);
    hv.resize(v.rows(), v.cols());
    net_.hvp_after_forward(theta, v, hv, c.net);  // c.net holds gradient()'s pass on c.u
  }

 private:
  MlpD net_;
  std::string init_;
  double init_scale_;
};

// ---- F = polynomial ---------------------------------------------------------------------------

// Powers of the argument, kept by gradient() for the backward passes: pw[k·(D + 1) + j] = u_k^j
// over the B columns (contiguous per variable, so the loops below run over whole columns).
struct PolyCache : GeneratorCache {
  std::vector<Eigen::ArrayXd> pw;
  Eigen::ArrayXd r;  // scratch (B)
};

// The exponent vectors of all monomials of degree 2..D in n variables, by degree, then
// lexicographically (largest power of u_0 first).
std::vector<std::vector<int>> monomials(int n, int degree) {
  std::vector<std::vector<int>> out;
  std::vector<int> e(static_cast<std::size_t>(n), 0);
  // All e with Σ e = d, first index varying slowest.
  const auto fill = [&](auto&& self, int k, int left) -> void {
    if (k == n - 1) {
      e[static_cast<std::size_t>(k)] = left;
      out.push_back(e);
      return;
    }
    for (int p = left; p >= 0; --p) {
      e[static_cast<std::size_t>(k)] = p;
      self(self, k + 1, left - p);
    }
  };
  for (int d = 2; d <= degree; ++d) fill(fill, 0, d);
  return out;
}

class PolynomialGenerator final : public GeneratingFunction {
 public:
  PolynomialGenerator(int n, int degree) : n_(n), degree_(degree), mono_(monomials(n, degree)) {
    for (const auto& e : mono_) {
      std::vector<int> s;
      for (int k = 0; k < n_; ++k)
        if (e[static_cast<std::size_t>(k)] > 0) s.push_back(k);
      support_.push_back(s);
    }
  }
  long n_params() const override { return static_cast<long>(mono_.size()); }
  void init_params(Rng&, VecRef theta) const override { theta.setZero(); }
  std::unique_ptr<GeneratorCache> make_cache() const override {
    return std::make_unique<PolyCache>();
  }

  void gradient(ConstVecRef theta, ConstMatRef u, Mat& g, GeneratorCache& gc) const override {
    auto& c = static_cast<PolyCache&>(gc);
    const long B = u.cols();
    c.pw.resize(static_cast<std::size_t>(n_ * (degree_ + 1)));
    for (int k = 0; k < n_; ++k) {
      pw(c, k, 0).setOnes(B);
      for (int j = 1; j <= degree_; ++j) pw(c, k, j) = pw(c, k, j - 1) * u.row(k).transpose().array();
    }
    Mat gt = Mat::Zero(B, n_);  // ∇F, one column per variable
    for (std::size_t m = 0; m < mono_.size(); ++m)
      for (int k : support_[m]) {
        d1(c, m, k);
        gt.col(k).array() += theta[static_cast<long>(m)] * c.r;
      }
    g = gt.transpose();
  }

  void gradient_backward(ConstVecRef, GeneratorCache& gc, ConstMatRef dg,
                         VecRef dtheta) const override {
    auto& c = static_cast<PolyCache&>(gc);
    const Mat dgt = dg.transpose();
    for (std::size_t m = 0; m < mono_.size(); ++m) {
      double s = 0;
      for (int k : support_[m]) {
        d1(c, m, k);
        s += (dgt.col(k).array() * c.r).sum();
      }
      dtheta[static_cast<long>(m)] += s;
    }
  }

  void hvp(ConstVecRef theta, GeneratorCache& gc, ConstMatRef v, Mat& hv) const override {
    auto& c = static_cast<PolyCache&>(gc);
    const Mat vt = v.transpose();
    Mat ht = Mat::Zero(vt.rows(), n_);
    for (std::size_t m = 0; m < mono_.size(); ++m) {
      const double cm = theta[static_cast<long>(m)];
      if (cm == 0) continue;
      for (int k : support_[m])
        for (int l : support_[m])
          if (d2(c, m, k, l)) ht.col(k).array() += cm * c.r * vt.col(l).array();
    }
    hv = ht.transpose();
  }

 private:
  int n_, degree_;
  std::vector<std::vector<int>> mono_;     // exponents
  std::vector<std::vector<int>> support_;  // the variables with a positive exponent

  Eigen::ArrayXd& pw(PolyCache& c, int k, int j) const {
    return c.pw[static_cast<std::size_t>(k * (degree_ + 1) + j)];
  }
  // c.r = ∂u^e/∂u_k of monomial M over the columns (k in its support).
  void d1(PolyCache& c, std::size_t m, int k) const {
    const auto& e = mono_[m];
    c.r.setConstant(pw(c, 0, 0).size(), e[static_cast<std::size_t>(k)]);
    for (int i : support_[m]) {
      const int p = e[static_cast<std::size_t>(i)] - (i == k ? 1 : 0);
      if (p > 0) c.r *= pw(c, i, p);
    }
  }
  // c.r = ∂²u^e/∂u_k∂u_l of monomial M (k, l in its support); false (c.r untouched) when it is 0.
  bool d2(PolyCache& c, std::size_t m, int k, int l) const {
    const auto& e = mono_[m];
    const int ek = e[static_cast<std::size_t>(k)], el = e[static_cast<std::size_t>(l)];
    if (k == l && ek < 2) return false;
    c.r.setConstant(pw(c, 0, 0).size(), k == l ? ek * (ek - 1) : ek * el);
    for (int i : support_[m]) {
      const int p = e[static_cast<std::size_t>(i)] - (i == k ? 1 : 0) - (i == l ? 1 : 0);
      if (p > 0) c.r *= pw(c, i, p);
    }
    return true;
  }
};

}  // namespace

std::unique_ptr<GeneratingFunction> make_mlp_generator(int n, const std::vector<int>& hidden,
                                                       Activation act, const std::string& init,
                                                       double init_scale) {
  return std::make_unique<MlpGenerator>(n, hidden, act, init, init_scale);
}

std::unique_ptr<GeneratingFunction> make_polynomial_generator(int n, int degree) {
  if (degree < 2) throw ConfigError("a polynomial generating function needs degree >= 2");
  return std::make_unique<PolynomialGenerator>(n, degree);
}

}  // namespace hnn
