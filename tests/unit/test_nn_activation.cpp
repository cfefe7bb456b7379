// Activations (src/nn/activation.*): σ' against central differences of σ, σ'' against central
// differences of σ', over z from −40 to 40; values against the C library in long double; the
// saturated limits at huge |z|; names and errors. Every tolerance says why it has its size.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "nn/activation.hpp"

namespace hnn {
namespace {

// For RecordProperty: the measured errors, readable in --gtest_output=xml.
std::string sci(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2e", x);
  return buf;
}

const Activation kAll[] = {Activation::tanh, Activation::softplus, Activation::sigmoid,
                           Activation::relu};

std::vector<double> test_points() {
  std::vector<double> z;
  for (double a : {1e-6, 1e-3, 0.1, 0.5, 1.0, 2.0, 3.7, 7.0, 12.0, 20.0, 30.0, 40.0}) {
    z.push_back(a);
    z.push_back(-a);
  }
  for (int i = -50; i <= 50; ++i) z.push_back(0.173 * i + 0.011);  // a grid avoiding 0
  return z;
}

ArrayX<double> eval(Activation a, const ArrayX<double>& z, int order) {
  ArrayX<double> out(z.size());
  if (order == 0) activation<double>(a, z, out);
  if (order == 1) activation_grad<double>(a, z, out);
  if (order == 2) activation_grad_grad<double>(a, z, out);
  return out;
}

// Checks the derivative of order ORDER+1 against the central difference of order ORDER with step
// h = 1e-4. Bound per point: |fd − exact| ≤ 1e-7·|exact| + 4 eps (|f(z+h)| + |f(z−h)|) / (2h).
// The first term covers truncation, h² |f‴| / 6 ≤ 1.4e-8 |exact|: for these functions |σ‴/σ'| and
// |σ⁗/σ''| are at most 8 (tanh⁗/tanh'' → −8 at z = 0; → 4 at large |z|); measured ≤ 1.3e-8. The
// second is the round-off of the difference when each value carries ≤ 4 ulp. Returns, for the
// report, the largest |fd − exact| / |exact| over the points where that round-off bound is below
// 1e-9 |exact| (elsewhere the difference measures round-off, not the derivative).
double check_derivative(Activation a, int order) {
  const double h = 1e-4;
  const double eps = std::numeric_limits<double>::epsilon();
  const std::vector<double> pts = test_points();
  const ArrayX<double> z =
      Eigen::Map<const ArrayX<double>>(pts.data(), static_cast<long>(pts.size()));
  const ArrayX<double> fp = eval(a, z + h, order), fm = eval(a, z - h, order);
  const ArrayX<double> exact = eval(a, z, order + 1);
  double worst = 0;
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    if (a == Activation::relu && std::abs(z[i]) < 2 * h) continue;  // the kink
    const double fd = (fp[i] - fm[i]) / (2 * h);
    const double roundoff = 4 * eps * (std::abs(fp[i]) + std::abs(fm[i])) / (2 * h);
    const double err = std::abs(fd - exact[i]);
    EXPECT_LE(err, 1e-7 * std::abs(exact[i]) + roundoff)
        << activation_name(a) << " order " << order + 1 << " at z = " << z[i] << ": fd " << fd
        << " exact " << exact[i];
    if (roundoff < 1e-9 * std::abs(exact[i])) worst = std::max(worst, err / std::abs(exact[i]));
  }
  return worst;
}

TEST(Activation, FirstDerivativeMatchesCentralDifferences) {
  for (Activation a : kAll) {
    const double worst = check_derivative(a, 0);
    RecordProperty("fd_rel_err_d1_" + activation_name(a), sci(worst));
  }
}

TEST(Activation, SecondDerivativeMatchesCentralDifferences) {
  for (Activation a : kAll) {
    const double worst = check_derivative(a, 1);
    RecordProperty("fd_rel_err_d2_" + activation_name(a), sci(worst));
  }
}

// Long-double references from the C library, in forms without cancellation:
// sigmoid' = 1 / (4 cosh²(z/2)), sigmoid'' = −tanh(z/2) / (4 cosh²(z/2)).
long double reference(Activation a, long double z, int order) {
  const long double s = 1.0L / (1.0L + std::exp(-z));  // sigmoid
  const long double c2 = std::cosh(z) * std::cosh(z), h2 = 4 * std::cosh(z / 2) * std::cosh(z / 2);
  switch (a) {
    case Activation::tanh:
      return order == 0 ? std::tanh(z) : order == 1 ? 1 / c2 : -2 * std::tanh(z) / c2;
    case Activation::softplus:
      return order == 0 ? std::log1p(std::exp(z)) : order == 1 ? s : 1 / h2;
    case Activation::sigmoid:
      return order == 0 ? s : order == 1 ? 1 / h2 : -std::tanh(z / 2) / h2;
    case Activation::relu:
      return order == 0 ? std::max(z, 0.0L) : order == 1 ? (z > 0 ? 1.0L : 0.0L) : 0.0L;
  }
  return 0;
}

// The stable forms are accurate in the relative sense everywhere, also where σ' and σ'' are
// 1e−17: each of exp, log, the Kahan/Goldberg expm1/log1p forms and the few products and quotients
// adds ≲ 1 ulp, so ≤ 18 ulp in all: 4e−15 in double, 2e−6 in float (measured 7e−16 and 3.2e−7).
// Long double has 64 mantissa bits and the reference forms have no cancellation, so the
// reference is exact for this purpose.
TEST(Activation, ValuesAreRelativelyAccurateAgainstLongDouble) {
  const std::vector<double> pts = test_points();
  const ArrayX<double> z =
      Eigen::Map<const ArrayX<double>>(pts.data(), static_cast<long>(pts.size()));
  const ArrayX<float> zf = z.cast<float>();
  for (Activation a : kAll) {
    for (int order = 0; order <= 2; ++order) {
      const ArrayX<double> v = eval(a, z, order);
      ArrayX<float> vf(zf.size());
      if (order == 0) activation<float>(a, zf, vf);
      if (order == 1) activation_grad<float>(a, zf, vf);
      if (order == 2) activation_grad_grad<float>(a, zf, vf);
      double worst = 0, worst_f = 0;
      for (Eigen::Index i = 0; i < z.size(); ++i) {
        const long double r = reference(a, z[i], order);
        const long double rf = reference(a, zf[i], order);
        if (r != 0) worst = std::max(worst, static_cast<double>(std::abs((v[i] - r) / r)));
        if (rf != 0) worst_f = std::max(worst_f, static_cast<double>(std::abs((vf[i] - rf) / rf)));
      }
      EXPECT_LE(worst, 4e-15) << activation_name(a) << " order " << order;
      EXPECT_LE(worst_f, 2e-6) << activation_name(a) << " order " << order << " (float)";
      RecordProperty("rel_err_" + activation_name(a) + "_d" + std::to_string(order),
                     sci(worst) + " (double), " + sci(worst_f) + " (float)");
    }
  }
}

// Huge |z|: saturated values exactly, no NaN (Eigen's exp clamps its argument; the flush to 0
// below the smallest normal number keeps exp(−1600) from being 5.6e−309).
TEST(Activation, SaturatesCleanlyAtHugeArguments) {
  ArrayX<double> z(4);
  z << -1e3, -750, 750, 1e3;
  for (Activation a : kAll) {
    const ArrayX<double> f = eval(a, z, 0), d = eval(a, z, 1), dd = eval(a, z, 2);
    for (int i = 0; i < 4; ++i) {
      const double lo = a == Activation::tanh ? -1.0 : 0.0;
      const double hi = a == Activation::tanh || a == Activation::sigmoid ? 1.0 : z[i];
      EXPECT_EQ(f[i], z[i] < 0 ? lo : hi) << activation_name(a) << " at " << z[i];
      const double d_limit =
          z[i] > 0 && (a == Activation::softplus || a == Activation::relu) ? 1.0 : 0.0;
      EXPECT_EQ(d[i], d_limit) << activation_name(a) << " at " << z[i];
      EXPECT_EQ(dd[i], 0.0) << activation_name(a) << " at " << z[i];
    }
  }
}

TEST(Activation, FusedEvaluationEqualsSeparateCalls) {
  ArrayX<double> z = ArrayX<double>::LinSpaced(1000, -9.0, 11.0);  // several stack chunks
  for (Activation a : kAll) {
    ArrayX<double> f(z.size()), d(z.size()), dd(z.size());
    activation_eval<double>(a, z.data(), z.size(), f.data(), d.data(), dd.data());
    EXPECT_TRUE((f == eval(a, z, 0)).all());  // exact: the same arithmetic
    EXPECT_TRUE((d == eval(a, z, 1)).all());
    EXPECT_TRUE((dd == eval(a, z, 2)).all());
    ArrayX<double> in_place = z;
    activation<double>(a, in_place, in_place);  // out may be z
    EXPECT_TRUE((in_place == f).all());
  }
}

TEST(Activation, NamesAndErrors) {
  for (Activation a : kAll) EXPECT_EQ(activation_from_name(activation_name(a)), a);
  EXPECT_TRUE(has_second_derivative(Activation::tanh));
  EXPECT_TRUE(has_second_derivative(Activation::softplus));
  EXPECT_TRUE(has_second_derivative(Activation::sigmoid));
  EXPECT_FALSE(has_second_derivative(Activation::relu));
  try {
    activation_from_name("gelu");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("gelu"), std::string::npos) << msg;
    EXPECT_NE(msg.find("tanh, softplus, sigmoid, relu"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace hnn
