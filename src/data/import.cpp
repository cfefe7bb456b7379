#include "data/import.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.hpp"
#include "data/trajectory_file.hpp"
#include "io/atomic_file.hpp"
#include "io/provenance.hpp"
#include "parallel/mpi.hpp"

namespace hnn {

namespace {

struct Columns {
  int id = -1, t = -1, n = 0;  // n = number of columns
  std::vector<int> q, p;
};

Columns parse_columns(const std::string& spec) {
  Columns c;
  std::stringstream ss(spec);
  std::string name;
  while (std::getline(ss, name, ',')) {
    if (name == "id") {
      if (c.id >= 0) throw ConfigError("--columns " + spec + ": 'id' given twice");
      c.id = c.n;
    } else if (name == "t") {
      if (c.t >= 0) throw ConfigError("--columns " + spec + ": 't' given twice");
      c.t = c.n;
    } else if (name == "q") {
      c.q.push_back(c.n);
    } else if (name == "p") {
      c.p.push_back(c.n);
    } else if (name != "skip") {
      throw ConfigError("--columns " + spec + ": unknown column '" + name +
                        "' (use id, t, q, p, skip)");
    }
    ++c.n;
  }
  if (c.t < 0) throw ConfigError("--columns " + spec + ": needs a 't' column");
  if (c.q.empty() || c.q.size() != c.p.size())
    throw ConfigError("--columns " + spec + ": needs as many q as p columns (at least one)");
  return c;
}

struct Row {
  double id, t;
  std::vector<double> x;
};

std::vector<Row> read_rows(const std::string& path, const Columns& c) {
  std::ifstream in(path);
  if (!in) throw IoError(path + ": cannot open");
  std::vector<Row> rows;
  std::string line;
  long lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::replace(line.begin(), line.end(), '\t', ' ');
    std::replace(line.begin(), line.end(), '\r', ' ');
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos || line[first] == '%' || line[first] == '#') continue;
    std::vector<double> v;
    std::stringstream ss(line);
    std::string tok;
    while (ss >> tok) {
      double d = 0;
      const auto r = std::from_chars(tok.data(), tok.data() + tok.size(), d);
      if (r.ec != std::errc() || r.ptr != tok.data() + tok.size() || !std::isfinite(d))
        throw IoError(path + ":" + std::to_string(lineno) + ": not a finite number: '" + tok + "'");
      v.push_back(d);
    }
    if (static_cast<int>(v.size()) != c.n)
      throw IoError(path + ":" + std::to_string(lineno) + ": expected " + std::to_string(c.n) +
                    " columns (--columns), found " + std::to_string(v.size()));
    Row r{c.id >= 0 ? v[static_cast<std::size_t>(c.id)] : 0.0, v[static_cast<std::size_t>(c.t)], {}};
    for (int k : c.q) r.x.push_back(v[static_cast<std::size_t>(k)]);
    for (int k : c.p) r.x.push_back(v[static_cast<std::size_t>(k)]);
    rows.push_back(std::move(r));
  }
  if (rows.empty()) throw IoError(path + ": no data rows");
  return rows;
}

// One trajectory's samples -> (x, dxdt, t) with finite-difference targets.
void differentiate(const std::string& path, const std::vector<const Row*>& tr, bool central,
                   std::vector<double>& x, std::vector<double>& dxdt, std::vector<double>& t) {
  const std::size_t n = tr.size(), d = tr[0]->x.size();
  if (n < (central ? 3u : 2u))
    throw IoError(path + ": trajectory id " + std::to_string(tr[0]->id) + " has too few rows (" +
                  std::to_string(n) + ") for " + (central ? "central" : "forward") +
                  " differences");
  for (std::size_t i = 1; i < n; ++i)
    if (!(tr[i]->t > tr[i - 1]->t))
      throw IoError(path + ": time must increase within a trajectory (id " +
                    std::to_string(tr[0]->id) + ", t = " + std::to_string(tr[i]->t) + ")");
  const std::size_t begin = central ? 1 : 0, end = n - 1;
  for (std::size_t i = begin; i < end; ++i) {
    const Row& a = central ? *tr[i - 1] : *tr[i];
    const Row& b = *tr[i + 1];
    for (std::size_t k = 0; k < d; ++k) {
      x.push_back(tr[i]->x[k]);
      dxdt.push_back((b.x[k] - a.x[k]) / (b.t - a.t));
    }
    t.push_back(tr[i]->t);
  }
}

}  // namespace

ImportSummary import_text(const ImportRequest& req, MPI_Comm comm) {
  std::vector<double> x, dxdt, t;
  std::vector<std::int64_t> train, test;
  ImportSummary s;
  run_collective(comm, [&] {
    const Columns c = parse_columns(req.columns);
    const auto rows = read_rows(req.input, c);
    std::map<double, std::vector<const Row*>> by_id;  // ids in increasing order
    for (const auto& r : rows) by_id[r.id].push_back(&r);
    long n_time = -1;
    for (const auto& [id, tr] : by_id) {
      const std::size_t before = t.size();
      differentiate(req.input, tr, req.derivative == "central", x, dxdt, t);
      const long len = static_cast<long>(t.size() - before);
      if (!req.as_points && n_time >= 0 && len != n_time)
        throw IoError(req.input + ": trajectories differ in length (" + std::to_string(n_time) +
                      " and " + std::to_string(len) +
                      " samples); the layout needs equal lengths (or use --as-points)");
      n_time = len;
    }
    s.rows = static_cast<long>(rows.size());
    s.dim = static_cast<long>(2 * c.q.size());
    const long n_samples = static_cast<long>(t.size());
    if (req.as_points) {
      s.n_traj = n_samples;
      s.n_time = 1;
    } else {
      s.n_traj = static_cast<long>(by_id.size());
      s.n_time = n_time;
    }
    if (!req.test_rows.empty()) {
      if (!req.as_points) throw ConfigError("--test-rows needs --as-points");
      long a = 0, b = 0;
      char colon = 0;
      std::stringstream ss(req.test_rows);
      if (!(ss >> a >> colon >> b) || colon != ':' || !ss.eof() || a < 0 || b < a || b > s.n_traj)
        throw ConfigError("--test-rows " + req.test_rows + ": expected A:B with 0 <= A <= B <= " +
                          std::to_string(s.n_traj));
      for (long i = 0; i < s.n_traj; ++i) (i >= a && i < b ? test : train).push_back(i);
    } else {
      if (req.n_test < 0 || req.n_test > s.n_traj)
        throw ConfigError("--n-test " + std::to_string(req.n_test) + ": must be in [0, " +
                          std::to_string(s.n_traj) + "]");
      make_split(s.n_traj, req.n_test, req.test_position == "first", train, test);
    }
  });

  const Provenance prov = collect_provenance(comm, req.command_line);
  AtomicH5File out(req.output, comm, req.overwrite);
  run_collective(comm, [&] {
    TrajectoryShape shape{s.n_traj, s.n_time, s.dim, true, false};
    TrajectoryWriter w(out.file(), shape, 0);
    const bool root = mpi_rank(comm) == 0;
    w.write_block(0, root ? s.n_traj : 0, x.data(), dxdt.data(), nullptr, t.data());
    w.write_split(train, test);
    std::string input = "[import]\nfile = \"" + req.input + "\"\ncolumns = \"" + req.columns +
                        "\"\nderivative = \"" + req.derivative + "\"\nas_points = " +
                        (req.as_points ? "true" : "false") + "\ntest_rows = \"" + req.test_rows +
                        "\"\nn_test = " + std::to_string(req.n_test) + "\ntest = \"" +
                        req.test_position + "\"\n";
    write_provenance(out.file(), prov, input, req.input);
    h5::write_attr(out.file(), "/", "system", std::string("measured"));
    h5::write_attr(out.file(), "/", "targets",
                   req.derivative + " finite differences of x in t");
  });
  out.commit();
  s.output = req.output;
  s.n_test = static_cast<long>(test.size());
  s.n_train = static_cast<long>(train.size());
  return s;
}

}  // namespace hnn
