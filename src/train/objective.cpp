#include "train/objective.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/trajectory_file.hpp"
#include "flows/density.hpp"
#include "models/flow_model.hpp"
#include "train/batches.hpp"
#include "train/chunked_loss.hpp"
#include "train/ordered_sum.hpp"

namespace hnn {

namespace {

// The samples one rank holds: trajectories [begin, end) of a split list, all their times
// (column j·n_time + k is time k of the j-th trajectory).
struct LocalData {
  Mat x, dxdt;
  std::int64_t first_traj = 0, n_traj = 0, n_global_traj = 0;  // shard of the split list
};

LocalData load_shard(const TrajectoryFileInfo& info, const std::vector<std::int64_t>& list,
                     int rank, int size) {
  const Shard sh = shard_of(static_cast<std::int64_t>(list.size()), rank, size);
  std::vector<std::int64_t> mine(list.begin() + sh.begin, list.begin() + sh.end);
  LocalData s;
  read_samples(info, mine, s.x, s.dxdt);
  s.first_traj = sh.begin;
  s.n_traj = sh.size();
  s.n_global_traj = static_cast<std::int64_t>(list.size());
  return s;
}

std::string fmt(const char* f, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

// ---- samples ------------------------------------------------------------------------------

// Sum of squared errors over this rank's part of the global minibatch (train/chunked_loss.hpp:
// fixed chunks, thread-count independent).
class SampleObjective final : public Objective {
 public:
  SampleObjective(const Model& m, const TrajectoryFileInfo& info, const ObjectiveOptions& o,
                  int rank, int size)
      : model_(m), opt_(o), path_(info.path), n_time_(info.n_time), loss_(m, o.chunk) {
    train_ = load_shard(info, info.train, rank, size);
    test_ = load_shard(info, info.test, rank, size);
    const std::int64_t n = n_train();
    batch_ = opt_.batch == 0 ? n : std::min<std::int64_t>(opt_.batch, n);
  }

  double step_sum(const Vec& theta, long step, Vec* grad) override {
    const long dim = model_.dim();
    const std::int64_t first = train_.first_traj * n_time_;
    const auto idx = minibatch(opt_.seed, step, n_train(), batch_);
    const auto lo = std::lower_bound(idx.begin(), idx.end(), first);
    const auto hi = std::lower_bound(idx.begin(), idx.end(), first + train_.x.cols());
    const long nb = hi - lo;
    if (nb == train_.x.cols()) return chunked(theta, train_.x, train_.dxdt, grad);
    xb_.resize(dim, nb);
    yb_.resize(dim, nb);
    for (long j = 0; j < nb; ++j) {
      xb_.col(j) = train_.x.col(lo[j] - first);
      yb_.col(j) = train_.dxdt.col(lo[j] - first);
    }
    return chunked(theta, xb_, yb_, grad);
  }
  double step_norm(long) const override {
    return 1.0 / (static_cast<double>(batch_) * static_cast<double>(model_.dim()));
  }
  double test_sum(const Vec& theta) override {
    return test_.x.cols() > 0 ? chunked(theta, test_.x, test_.dxdt, nullptr) : 0.0;
  }
  double test_norm() const override {
    return n_test() > 0 ? 1.0 / (static_cast<double>(n_test()) * static_cast<double>(model_.dim()))
                        : std::nan("");
  }
  std::int64_t n_train() const override { return train_.n_global_traj * n_time_; }
  std::int64_t n_test() const override { return test_.n_global_traj * n_time_; }
  std::string describe() const override {
    return fmt("%lld train / %lld test samples (%s); batch %lld", static_cast<long long>(n_train()),
               static_cast<long long>(n_test()), path_.c_str(), static_cast<long long>(batch_));
  }

 private:
  const Model& model_;
  ObjectiveOptions opt_;
  std::string path_;
  std::int64_t n_time_, batch_ = 0;
  LocalData train_, test_;
  ChunkedLoss loss_;
  Mat xb_, yb_;

  double chunked(const Vec& theta, const Mat& x, const Mat& y, Vec* grad) {
    return loss_(theta, x, y, grad);
  }
};

// ---- trajectories -------------------------------------------------------------------------

// A random order of 0..n−1 (Fisher–Yates) from RNG, of which the first M are kept.
std::vector<long> shuffled_times(Rng rng, long n, long m) {
  std::vector<long> t(static_cast<std::size_t>(n));
  std::iota(t.begin(), t.end(), 0L);
  for (long i = n - 1; i > 0; --i) {
    const auto j = std::min(i, static_cast<long>(rng.uniform() * static_cast<double>(i + 1)));
    std::swap(t[static_cast<std::size_t>(i)], t[static_cast<std::size_t>(j)]);
  }
  t.resize(static_cast<std::size_t>(m));
  return t;
}

// Streams: the time order of training trajectory u at step s is Rng(seed, (s + 1)·2³² + u); of
// test trajectory u, fixed, Rng(seed, 2⁶² + u). (minibatch uses streams 1 + step < 2³²,
// epoch_batch 2⁶³ + epoch.)
constexpr std::uint64_t kTestStream = std::uint64_t{1} << 62;

// "[0, 2]"
std::string list_text(const std::vector<int>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

class TrajectoryObjective final : public Objective {
 public:
  TrajectoryObjective(const Model& m, const TrajectoryFileInfo& info, const ObjectiveOptions& o,
                      int rank, int size)
      : model_(m), opt_(o), path_(info.path), n_time_(info.n_time) {
    train_ = load_shard(info, info.train, rank, size);
    test_ = load_shard(info, info.test, rank, size);
    batch_ = opt_.batch == 0 ? n_train() : std::min<std::int64_t>(opt_.batch, n_train());
    terms_.relative_actions = opt_.relative_actions;
    terms_.still_weight = opt_.still_weight;
    terms_.still_planes = opt_.still_planes;
    if (opt_.angle_weight > 0) {
      if (opt_.angle_lag < 1 || opt_.angle_lag >= n_time_)
        throw ConfigError("[train] angle_lag = " + std::to_string(opt_.angle_lag) +
                          ": must be in [1, " + std::to_string(n_time_ - 1) + "] for " + path_);
      terms_.angle_weight = opt_.angle_weight;
      terms_.angle_dt = static_cast<double>(opt_.angle_lag) * read_time_step(info);
      lag_ = opt_.angle_lag;
    }
    // The first time of an angle pair leaves room for its partner lag_ samples later.
    starts_ = n_time_ - lag_;
    times_ = opt_.times == 0 ? starts_ : std::min<std::int64_t>(opt_.times, starts_);
    const auto* f = dynamic_cast<const FlowModel*>(&m);
    if (f && f->batch_zero_center()) {
      if (terms_.angle_weight > 0 || terms_.still_weight > 0)
        throw ConfigError(std::string("[train] ") +
                          (terms_.angle_weight > 0 ? "angle_weight > 0" : "still_planes") +
                          " is not supported with [model] zero_center = \"batch\" (use "
                          "\"learned\")");
      flow_ = f;
      const auto mask = f->flow().buffer_mask();
      for (std::size_t i = 0; i < mask.size(); ++i)
        if (mask[i]) buffers_.push_back(static_cast<long>(i));
    }
  }

  double step_sum(const Vec& theta, long step, Vec* grad) override {
    const auto idx = epoch_batch(opt_.seed, step, n_train(), batch_);
    std::vector<std::int64_t> mine;
    for (auto u : idx)
      if (u >= train_.first_traj && u < train_.first_traj + train_.n_traj) mine.push_back(u);
    const auto stream = [&](std::int64_t u) {
      return (static_cast<std::uint64_t>(step) + 1) << 32 | static_cast<std::uint64_t>(u);
    };
    if (flow_) {
      mu_first_ = step == 0;
      return batch_sum(theta, idx, mine, stream, grad);
    }
    return sum(theta, train_, mine, stream, times_, grad);
  }
  void update_buffers(Vec& theta) override {
    if (!flow_ || mu_.empty()) return;
    for (std::size_t k = 0; k < buffers_.size(); ++k) theta[buffers_[k]] = buffer_values_[k];
    flow_->flow().update_moving_averages(theta.head(flow_->flow().n_params()), mu_, mu_first_);
    mu_.clear();
  }
  double step_norm(long step) const override {
    return 1.0 / static_cast<double>(epoch_batch(opt_.seed, step, n_train(), batch_).size());
  }
  double test_sum(const Vec& theta) override {
    std::vector<std::int64_t> all(static_cast<std::size_t>(test_.n_traj));
    std::iota(all.begin(), all.end(), test_.first_traj);
    return sum(theta, test_, all, [](std::int64_t u) { return kTestStream + u; }, starts_,
               nullptr);
  }
  double test_norm() const override {
    return n_test() > 0 ? 1.0 / static_cast<double>(n_test()) : std::nan("");
  }
  std::int64_t n_train() const override { return train_.n_global_traj; }
  std::int64_t n_test() const override { return test_.n_global_traj; }
  std::string describe() const override {
    return fmt("%lld train / %lld test trajectories of %lld times (%s); batch %lld trajectories "
               "x %lld times",
               static_cast<long long>(n_train()), static_cast<long long>(n_test()),
               static_cast<long long>(n_time_), path_.c_str(), static_cast<long long>(batch_),
               static_cast<long long>(times_)) +
           (terms_.relative_actions ? "; relative action loss" : "") +
           (terms_.still_weight > 0 ? fmt("; still-plane term, weight %g, planes %s",
                                          terms_.still_weight, list_text(terms_.still_planes).c_str())
                                    : std::string()) +
           (terms_.angle_weight > 0 ? fmt("; angle-rate term, weight %g, pairs %g apart",
                                          terms_.angle_weight, terms_.angle_dt)
                                    : std::string());
  }

 private:
  const Model& model_;
  ObjectiveOptions opt_;
  std::string path_;
  std::int64_t n_time_, batch_ = 0, times_ = 0, lag_ = 0, starts_ = 0;
  Model::TrajectoryTerms terms_;  // angle_weight 0: the action loss alone
  LocalData train_, test_;
  OrderedSum<std::unique_ptr<Model::Workspace>> sum_{model_.n_params(),
                                                   [this] { return model_.make_workspace(); }};
  // zero_center = "batch": the flow, θ's buffer entries, and the last step's batch means and
  // buffer values (for update_buffers); whether that step was the run's first (its means then
  // start the moving averages).
  const FlowModel* flow_ = nullptr;
  std::vector<long> buffers_;
  std::vector<double> mu_, buffer_values_;
  bool mu_first_ = false;
  Flow::BatchCache batch_cache_;

  // Trajectory U of D's split list on M shuffled times of the first n_time − lag (the order from
  // Rng(seed, STREAM)); with the angle-rate term, a second block of columns holds the state lag
  // samples after each.
  Mat times_of(const LocalData& d, std::int64_t u, std::uint64_t stream, std::int64_t m) const {
    const auto order = shuffled_times(Rng(opt_.seed, stream), starts_, m);
    const long mm = static_cast<long>(order.size());
    Mat x(model_.dim(), terms_.angle_weight > 0 ? 2 * mm : mm);
    const long base = (u - d.first_traj) * n_time_;
    for (long k = 0; k < mm; ++k) {
      x.col(k) = d.x.col(base + order[static_cast<std::size_t>(k)]);
      if (terms_.angle_weight > 0)
        x.col(mm + k) = d.x.col(base + order[static_cast<std::size_t>(k)] + lag_);
    }
    return x;
  }

  // Σ over the trajectories UNITS (global indices into D's split list) of the model's
  // trajectory loss on M shuffled times (times_of); one task per trajectory
  // (train/ordered_sum.hpp).
  template <class Stream>
  double sum(const Vec& theta, const LocalData& d, const std::vector<std::int64_t>& units,
             Stream stream, std::int64_t m, Vec* grad) {
    return sum_(
        static_cast<long>(units.size()),
        [&](long j, std::unique_ptr<Model::Workspace>& ws, Vec* g) {
          const std::int64_t u = units[static_cast<std::size_t>(j)];
          const Mat x = times_of(d, u, stream(u), m);
          return model_.trajectory_loss(theta, x, terms_, *ws, g ? g->data() : nullptr);
        },
        grad);
  }

  // zero_center = "batch": the same sum over this rank's units MINE of the global batch IDX
  // (sorted), in one batch pass. The partial sums of the means go to an array with a column per
  // unit of IDX, each rank filling its own columns (the others 0: the allreduce then adds exact
  // zeros), and are added in IDX order, so every rank gets the same means, bit for bit, whatever
  // the rank count.
  template <class Stream>
  double batch_sum(const Vec& theta, const std::vector<std::int64_t>& idx,
                   const std::vector<std::int64_t>& mine, Stream stream, Vec* grad) {
    const std::size_t U = mine.size();
    std::vector<Mat> xs(U);
    std::vector<long> pos(U);
    for (std::size_t j = 0; j < U; ++j) {
      xs[j] = times_of(train_, mine[j], stream(mine[j]), times_);
      pos[j] = std::lower_bound(idx.begin(), idx.end(), mine[j]) - idx.begin();
    }
    const Flow::BatchSum gsum = [&](const Mat& part) {
      Mat all = Mat::Zero(part.rows(), static_cast<long>(idx.size()));
      for (std::size_t j = 0; j < U; ++j) all.col(pos[j]) = part.col(static_cast<long>(j));
      if (opt_.allreduce) opt_.allreduce(all.data(), all.size());
      return Flow::sum_in_order(all);
    };
    buffer_values_.clear();
    for (long i : buffers_) buffer_values_.push_back(theta[i]);
    if (grad) grad->setZero(model_.n_params());
    const double l = flow_->trajectory_batch_loss(theta, xs, gsum, batch_cache_,
                                                  grad ? grad->data() : nullptr,
                                                  terms_.relative_actions);
    mu_ = batch_cache_.mu;
    return l;
  }
};

// ---- frames -----------------------------------------------------------------------------------

// The frames of this rank's shard of a split list's trajectories.
struct Frames {
  Mat f;  // px × (n · n_time): column j·n_time + k is time k of local trajectory j
  std::int64_t first = 0, n = 0;  // the shard: list entries [first, first + n)
};

Frames load_frames(const TrajectoryFileInfo& info, const std::vector<std::int64_t>& list, int rank,
                   int size) {
  Frames out;
  const Shard sh = shard_of(static_cast<std::int64_t>(list.size()), rank, size);
  std::vector<std::int64_t> mine(list.begin() + sh.begin, list.begin() + sh.end);
  if (!mine.empty()) read_frames(info, mine, out.f);
  out.first = sh.begin;
  out.n = sh.size();
  return out;
}

// ---- frame triples --------------------------------------------------------------------------

// Units are frame triples (f_k, f_{k+1}, f_{k+2}) of one trajectory, k = 0..n_time−3: unit
// u = j·(n_time − 2) + k of the j-th trajectory of the split list. The model sees the pairs
// x = [f_k; f_{k+1}] and x' = [f_{k+1}; f_{k+2}] (Greydanus et al.: two stacked frames carry the
// velocity). Minibatches as the samples objective (minibatch(seed, step)); mean over the batch.
class FrameObjective final : public Objective {
 public:
  FrameObjective(const Model& m, const TrajectoryFileInfo& info, const ObjectiveOptions& o,
                 int rank, int size)
      : model_(m), opt_(o), path_(info.path), n_time_(info.n_time), px_(info.frame_pixels()) {
    if (px_ != m.frame_pixels())
      throw IoError(info.path + ": frames of " + std::to_string(px_) + " pixels, the model expects " +
                    std::to_string(m.frame_pixels()));
    if (n_time_ < 3) throw IoError(info.path + ": frame triples need at least 3 times");
    per_ = n_time_ - 2;
    n_train_traj_ = static_cast<std::int64_t>(info.train.size());
    n_test_traj_ = static_cast<std::int64_t>(info.test.size());
    train_ = load_frames(info, info.train, rank, size);
    test_ = load_frames(info, info.test, rank, size);
    batch_ = opt_.batch == 0 ? n_train() : std::min<std::int64_t>(opt_.batch, n_train());
  }

  double step_sum(const Vec& theta, long step, Vec* grad) override {
    const auto idx = minibatch(opt_.seed, step, n_train(), batch_);
    const std::int64_t first = train_.first * per_, end = first + train_.n * per_;
    std::vector<std::int64_t> mine;
    for (auto u : idx)
      if (u >= first && u < end) mine.push_back(u - first);
    return sum(theta, train_, mine, grad);
  }
  double step_norm(long) const override { return 1.0 / static_cast<double>(batch_); }
  double test_sum(const Vec& theta) override {
    std::vector<std::int64_t> all(static_cast<std::size_t>(test_.n * per_));
    std::iota(all.begin(), all.end(), 0);
    return sum(theta, test_, all, nullptr);
  }
  double test_norm() const override {
    return n_test() > 0 ? 1.0 / static_cast<double>(n_test()) : std::nan("");
  }
  std::int64_t n_train() const override { return n_train_traj_ * per_; }
  std::int64_t n_test() const override { return n_test_traj_ * per_; }
  std::string describe() const override {
    return fmt("%lld train / %lld test frame triples (%s, %lld pixels per frame); batch %lld",
               static_cast<long long>(n_train()), static_cast<long long>(n_test()), path_.c_str(),
               static_cast<long long>(px_), static_cast<long long>(batch_));
  }

 private:
  const Model& model_;
  ObjectiveOptions opt_;
  std::string path_;
  std::int64_t n_time_, px_, per_ = 0, batch_ = 0, n_train_traj_ = 0, n_test_traj_ = 0;
  Frames train_, test_;
  OrderedSum<std::unique_ptr<Model::Workspace>> sum_{model_.n_params(),
                                                   [this] { return model_.make_workspace(); }};

  // Σ of the model's frame loss over local units LOCAL (indices into D's triples), in fixed
  // chunks of opt_.chunk units (train/ordered_sum.hpp).
  double sum(const Vec& theta, const Frames& d, const std::vector<std::int64_t>& local, Vec* grad) {
    const long P = px_;
    return sum_.over_chunks(
        static_cast<long>(local.size()), opt_.chunk,
        [&](long b, long len, std::unique_ptr<Model::Workspace>& ws, Vec* g) {
          Mat x(2 * P, len), xn(2 * P, len);
          for (long j = 0; j < len; ++j) {
            const std::int64_t u = local[static_cast<std::size_t>(b + j)];
            const long col = static_cast<long>((u / per_) * n_time_ + u % per_);  // f_k
            x.col(j) << d.f.col(col), d.f.col(col + 1);
            xn.col(j) << d.f.col(col + 1), d.f.col(col + 2);
          }
          return model_.frame_loss(theta, x, xn, *ws, g ? g->data() : nullptr);
        },
        grad);
  }
};

// ---- rollouts of frames (the HGN) ----------------------------------------------------------

// Units are trajectories (their first T = rollout_length() frames); minibatch(seed, step) over
// the training trajectories; sums in fixed chunks of opt_.chunk units, added in chunk order.
class RolloutObjective final : public Objective {
 public:
  RolloutObjective(const Model& m, const TrajectoryFileInfo& info, const ObjectiveOptions& o,
                   int rank, int size)
      : model_(m), opt_(o), path_(info.path), n_time_(info.n_time), px_(info.frame_pixels()),
        T_(m.rollout_length()), geco_(o.geco) {
    if (px_ != m.frame_pixels())
      throw IoError(info.path + ": frames of " + std::to_string(px_) + " pixels, the model expects " +
                    std::to_string(m.frame_pixels()));
    if (n_time_ < T_)
      throw IoError(info.path + ": " + std::to_string(n_time_) + " frames per trajectory, the model's "
                    "rollout needs " + std::to_string(T_));
    n_train_ = static_cast<std::int64_t>(info.train.size());
    n_test_ = static_cast<std::int64_t>(info.test.size());
    train_ = load_frames(info, info.train, rank, size);
    test_ = load_frames(info, info.test, rank, size);
    batch_ = opt_.batch == 0 ? n_train_ : std::min<std::int64_t>(opt_.batch, n_train_);
  }

  double step_sum(const Vec& theta, long step, Vec* grad) override {
    const auto idx = minibatch(opt_.seed, step, n_train_, batch_);
    std::vector<std::int64_t> mine;
    for (auto u : idx)
      if (u >= train_.first && u < train_.first + train_.n) mine.push_back(u);
    const auto stream = [step](std::int64_t u) {
      return (static_cast<std::uint64_t>(step) + 1) << 32 | static_cast<std::uint64_t>(u);
    };
    return sum(theta, train_, mine, true, stream, geco_.weight(), grad, &recon_);
  }
  double step_norm(long) const override { return 1.0 / static_cast<double>(batch_); }
  double test_sum(const Vec& theta) override {
    std::vector<std::int64_t> all(static_cast<std::size_t>(test_.n));
    std::iota(all.begin(), all.end(), test_.first);
    double r = 0;
    sum(theta, test_, all, false, [](std::int64_t) { return std::uint64_t{0}; }, 0.0, nullptr, &r);
    return r;
  }
  double test_norm() const override {
    return n_test_ > 0 ? 1.0 / static_cast<double>(n_test_) : std::nan("");
  }
  std::int64_t n_train() const override { return n_train_; }
  std::int64_t n_test() const override { return n_test_; }
  std::string describe() const override {
    return fmt("%lld train / %lld test rollouts of %lld frames (%s, %lld pixels per frame); "
               "batch %lld; test loss = pixel MSE of the posterior-mean rollout",
               static_cast<long long>(n_train_), static_cast<long long>(n_test_),
               static_cast<long long>(T_), path_.c_str(), static_cast<long long>(px_),
               static_cast<long long>(batch_));
  }
  int n_extra() const override { return 1; }
  void extra_sums(double* out) const override { out[0] = recon_; }
  void end_step(const double* global, double norm) override {
    last_recon_ = global[0] * norm;
    geco_.update(last_recon_);
  }
  std::vector<double> state() const override { return geco_.state(); }
  void set_state(const std::vector<double>& s) override { geco_.set_state(s); }
  std::string progress() const override {
    return fmt("recon %.4e kl_weight %.3e", last_recon_, geco_.weight());
  }

 private:
  const Model& model_;
  ObjectiveOptions opt_;
  std::string path_;
  std::int64_t n_time_, px_, T_, batch_ = 0, n_train_ = 0, n_test_ = 0;
  Frames train_, test_;
  Geco geco_;
  double recon_ = 0, last_recon_ = std::nan("");
  OrderedSum<std::unique_ptr<Model::Workspace>> sum_{model_.n_params(),
                                                   [this] { return model_.make_workspace(); }};
  std::vector<double> rec_;  // per chunk

  // Σ of the model's rollout loss over the units UNITS (global indices into D's split list), in
  // fixed chunks of opt_.chunk units (train/ordered_sum.hpp), with noise from
  // Rng(seed, stream(u)) when SAMPLED; RECON gets Σ of the reconstruction terms, in chunk order.
  template <class Stream>
  double sum(const Vec& theta, const Frames& d, const std::vector<std::int64_t>& units,
             bool sampled, Stream stream, double w, Vec* grad, double* recon) {
    const long n = static_cast<long>(units.size()), chunk = std::max(1L, opt_.chunk);
    const long P = px_, T = T_, nd = model_.noise_dim();
    rec_.assign(static_cast<std::size_t>((n + chunk - 1) / chunk), 0.0);
    const double s = sum_.over_chunks(
        n, chunk,
        [&](long b, long len, std::unique_ptr<Model::Workspace>& ws, Vec* g) {
          Mat x(P * T, len), eps(sampled ? nd : 0, sampled ? len : 0);
          for (long j = 0; j < len; ++j) {
            const std::int64_t u = units[static_cast<std::size_t>(b + j)];
            const long col = static_cast<long>((u - d.first) * n_time_);
            for (long k = 0; k < T; ++k) x.block(k * P, j, P, 1) = d.f.col(col + k);
            if (sampled) {
              Rng rng(opt_.seed, stream(u));
              for (long i = 0; i < nd; ++i) eps(i, j) = rng.normal();
            }
          }
          Model::RolloutParts parts;
          const double l =
              model_.rollout_loss(theta, x, eps, w, *ws, g ? g->data() : nullptr, &parts);
          rec_[static_cast<std::size_t>(b / chunk)] = parts.reconstruction;
          return l;
        },
        grad);
    *recon = 0;
    for (double r : rec_) *recon += r;
    return s;
  }
};

// ---- density estimation -------------------------------------------------------------------

const FlowModel& harmonic_flow(const Model& m, const std::string& kind) {
  const auto* f = dynamic_cast<const FlowModel*>(&m);
  if (!f || !f->has_harmonic_latent())
    throw ConfigError("objective kind = \"" + kind +
                      "\" needs [model] kind = \"flow\" with latent = \"harmonic\"");
  if (f->batch_zero_center())
    throw ConfigError("objective kind = \"" + kind +
                      "\" does not support [model] zero_center = \"batch\" (only the "
                      "trajectories action loss does; use \"learned\")");
  return *f;
}

// The density objectives' chunked sums (train/ordered_sum.hpp) with density workspaces.
class DensityChunks {
 public:
  DensityChunks(const FlowModel& m, long chunk)
      : chunk_(std::max(1L, chunk)),
        sum_(m.n_params(), [&m] { return make_density_workspace(m.flow()); }) {}
  // Σ_c F(first, count, workspace, g_c) over fixed chunks of the columns [0, ncols).
  template <class F>
  double operator()(long ncols, F f, Vec* grad) {
    return sum_.over_chunks(ncols, chunk_, f, grad);
  }

 private:
  long chunk_;
  OrderedSum<DensityWorkspace> sum_;
};

// Mean −ln p(x) over samples (the states of the data set; dxdt is not used).
class LikelihoodObjective final : public Objective {
 public:
  LikelihoodObjective(const FlowModel& m, const TrajectoryFileInfo& info, const ObjectiveOptions& o,
                      int rank, int size)
      : model_(m), opt_(o), path_(info.path), n_time_(info.n_time), chunks_(m, o.chunk) {
    train_ = load_shard(info, info.train, rank, size);
    test_ = load_shard(info, info.test, rank, size);
    train_.dxdt.resize(0, 0);
    test_.dxdt.resize(0, 0);
    batch_ = opt_.batch == 0 ? n_train() : std::min<std::int64_t>(opt_.batch, n_train());
  }

  double step_sum(const Vec& theta, long step, Vec* grad) override {
    const std::int64_t first = train_.first_traj * n_time_;
    const auto idx = minibatch(opt_.seed, step, n_train(), batch_);
    const auto lo = std::lower_bound(idx.begin(), idx.end(), first);
    const auto hi = std::lower_bound(idx.begin(), idx.end(), first + train_.x.cols());
    const long nb = hi - lo;
    xb_.resize(model_.dim(), nb);
    for (long j = 0; j < nb; ++j) xb_.col(j) = train_.x.col(lo[j] - first);
    return sum(theta, xb_, grad);
  }
  double step_norm(long) const override { return 1.0 / static_cast<double>(batch_); }
  double test_sum(const Vec& theta) override { return sum(theta, test_.x, nullptr); }
  double test_norm() const override {
    return n_test() > 0 ? 1.0 / static_cast<double>(n_test()) : std::nan("");
  }
  std::int64_t n_train() const override { return train_.n_global_traj * n_time_; }
  std::int64_t n_test() const override { return test_.n_global_traj * n_time_; }
  std::string describe() const override {
    return fmt("likelihood (beta = %g): %lld train / %lld test samples (%s); batch %lld",
               opt_.beta, static_cast<long long>(n_train()), static_cast<long long>(n_test()),
               path_.c_str(), static_cast<long long>(batch_));
  }

 private:
  const FlowModel& model_;
  ObjectiveOptions opt_;
  std::string path_;
  std::int64_t n_time_, batch_ = 0;
  LocalData train_, test_;
  DensityChunks chunks_;
  Mat xb_;

  double sum(const Vec& theta, const Mat& x, Vec* grad) {
    return chunks_(
        x.cols(),
        [&](long first, long count, DensityWorkspace& ws, Vec* g) {
          return density_nll(model_.flow(), theta, opt_.beta, x.middleCols(first, count), ws, g);
        },
        grad);
  }
};

constexpr std::uint64_t kFreeEnergyTestStream = std::uint64_t{1} << 62;

// Mean of ln q(z) + β H(T(z)) over reparameterised latent samples.
class FreeEnergyObjective final : public Objective {
 public:
  FreeEnergyObjective(const FlowModel& m, const Hamiltonian& h, const ObjectiveOptions& o,
                      int rank, int size)
      : model_(m), h_(h), opt_(o), rank_(rank), size_(size), chunks_(m, o.chunk) {}

  double step_sum(const Vec& theta, long step, Vec* grad) override {
    const Shard sh = shard_of(opt_.batch, rank_, size_);
    return sum(theta, sh, [&](std::int64_t j) {
      return (static_cast<std::uint64_t>(step) + 1) << 32 | static_cast<std::uint64_t>(j);
    }, grad);
  }
  double step_norm(long) const override { return 1.0 / static_cast<double>(opt_.batch); }
  double test_sum(const Vec& theta) override {
    const Shard sh = shard_of(opt_.test_samples, rank_, size_);
    return sum(theta, sh, [](std::int64_t j) { return kFreeEnergyTestStream + j; }, nullptr);
  }
  double test_norm() const override {
    return opt_.test_samples > 0 ? 1.0 / static_cast<double>(opt_.test_samples) : std::nan("");
  }
  std::int64_t n_train() const override { return opt_.batch; }
  std::int64_t n_test() const override { return opt_.test_samples; }
  std::string describe() const override {
    return fmt("free energy of H (beta = %g): %lld latent samples per step, test estimate on "
               "%lld fixed samples",
               opt_.beta, static_cast<long long>(opt_.batch),
               static_cast<long long>(opt_.test_samples));
  }

 private:
  const FlowModel& model_;
  const Hamiltonian& h_;
  ObjectiveOptions opt_;
  int rank_, size_;
  DensityChunks chunks_;

  template <class Stream>
  double sum(const Vec& theta, const Shard& sh, Stream stream, Vec* grad) {
    const long dim = model_.dim();
    return chunks_(
        static_cast<long>(sh.size()),
        [&](long first, long count, DensityWorkspace& ws, Vec* g) {
          Mat eps(dim, count);
          for (long j = 0; j < count; ++j) {
            Rng rng(opt_.seed, stream(sh.begin + first + j));
            for (long i = 0; i < dim; ++i) eps(i, j) = rng.normal();
          }
          return density_free_energy(model_.flow(), theta, opt_.beta, h_, eps, ws, g);
        },
        grad);
  }
};

}  // namespace

std::unique_ptr<Objective> make_objective(const Model& model, const TrajectoryFileInfo& info,
                                          const ObjectiveOptions& options, int rank, int size) {
  if (options.kind == "free_energy")
    throw ConfigError("objective kind = \"free_energy\" reads no data (make_free_energy_objective)");
  if (options.kind == "likelihood") {
    const FlowModel& f = harmonic_flow(model, options.kind);
    if (info.train.empty()) throw IoError(info.path + ": the training split is empty");
    return std::make_unique<LikelihoodObjective>(f, info, options, rank, size);
  }
  if (!options.kind.empty()) throw ConfigError("unknown objective kind \"" + options.kind + "\"");
  if (info.train.empty()) throw IoError(info.path + ": the training split is empty");
  if (model.trains_on_rollouts())
    return std::make_unique<RolloutObjective>(model, info, options, rank, size);
  if (model.trains_on_frames())
    return std::make_unique<FrameObjective>(model, info, options, rank, size);
  if (model.trains_on_trajectories())
    return std::make_unique<TrajectoryObjective>(model, info, options, rank, size);
  return std::make_unique<SampleObjective>(model, info, options, rank, size);
}

}  // namespace hnn


namespace hnn {

std::unique_ptr<Objective> make_free_energy_objective(const Model& model, const Hamiltonian& h,
                                                      const ObjectiveOptions& options, int rank,
                                                      int size) {
  const FlowModel& f = harmonic_flow(model, "free_energy");
  if (h.dim() != f.dim())
    throw ConfigError("objective kind = \"free_energy\": the system has dimension " +
                      std::to_string(h.dim()) + ", the model " + std::to_string(f.dim()));
  if (options.batch <= 0) throw ConfigError("objective kind = \"free_energy\" needs batch > 0");
  return std::make_unique<FreeEnergyObjective>(f, h, options, rank, size);
}

}  // namespace hnn
