// `hnn summarize`: collects model files, evaluations, checkpoints and status files of many run
// directories into one table (HDF5 + CSV). See summarize.hpp for the columns and the layout.
#include "eval/summarize.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io/hdf5.hpp"
#include "io/provenance.hpp"
#include "parallel/mpi.hpp"

namespace hnn {
namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// The resolved input (TOML as written by Config::resolved_text: [section] headers and
// `key = value` lines; arrays may span lines) as input.<section>.<key> -> value. Plain strings
// lose their quotes; other values stay as TOML text.
std::map<std::string, std::string> flatten_input(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line, section, key, value;
  int depth = 0;
  auto store = [&] {
    std::string v = trim(value);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"' &&
        v.find('"', 1) == v.size() - 1)
      v = v.substr(1, v.size() - 2);
    out["input." + (section.empty() ? "" : section + ".") + key] = v;
  };
  while (std::getline(in, line)) {
    if (depth > 0) {  // continuation of a multi-line array
      value += " " + trim(line);
      depth += static_cast<int>(std::count(line.begin(), line.end(), '[')) -
               static_cast<int>(std::count(line.begin(), line.end(), ']'));
      if (depth <= 0) store();
      continue;
    }
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t[0] == '[') {
      section = trim(t.substr(1, t.find(']') - 1));
      continue;
    }
    const auto eq = t.find('=');
    if (eq == std::string::npos) continue;
    key = trim(t.substr(0, eq));
    value = trim(t.substr(eq + 1));
    depth = static_cast<int>(std::count(value.begin(), value.end(), '[')) -
            static_cast<int>(std::count(value.begin(), value.end(), ']'));
    if (depth <= 0) store();
  }
  return out;
}

std::string read_text_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string attr_or(const h5::File& f, const std::string& name, const std::string& def = "") {
  return h5::has_attr(f, "/", name) ? h5::read_attr_string(f, "/", name) : def;
}

double last_of(const h5::File& f, const std::string& path) {
  if (!h5::exists(f, path)) return kNaN;
  const auto v = h5::Dataset::open(f, path).read_all<double>();
  return v.empty() ? kNaN : v.back();
}

// Every scalar numeric attribute of OBJ.
std::map<std::string, double> numeric_attrs(const h5::File& f, const std::string& obj) {
  std::map<std::string, double> out;
  if (!h5::exists(f, obj)) return out;
  H5O_info_t info;
  if (H5Oget_info_by_name(f.id(), obj.c_str(), &info, H5P_DEFAULT) < 0) return out;
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    char name[512];
    if (H5Aget_name_by_idx(f.id(), obj.c_str(), H5_INDEX_NAME, H5_ITER_INC, i, name,
                           sizeof name, H5P_DEFAULT) < 0)
      continue;
    h5::Handle a(H5Aopen_by_name(f.id(), obj.c_str(), name, H5P_DEFAULT, H5P_DEFAULT),
                 H5Aclose);
    if (!a) continue;
    h5::Handle type(H5Aget_type(a.id()), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.id());
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) continue;
    h5::Handle space(H5Aget_space(a.id()), H5Sclose);
    if (H5Sget_simple_extent_npoints(space.id()) != 1) continue;
    double v = kNaN;
    if (H5Aread(a.id(), H5T_NATIVE_DOUBLE, &v) >= 0) out[name] = v;
  }
  return out;
}

struct FoundFile {
  fs::path path;
  std::string format, model_file;  // model_file: evaluations only
};

// The hnn outputs directly in DIR (files that are not HDF5 or have no `format` are skipped).
std::vector<FoundFile> scan(const fs::path& dir) {
  std::vector<FoundFile> out;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".h5") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    FoundFile ff{p, "", ""};
    try {
      const auto f = h5::File::open(p.string());
      ff.format = attr_or(f, "format");
      if (ff.format == "hnn-evaluation") ff.model_file = attr_or(f, "model_file");
    } catch (const Error&) {
      ff.format = "unreadable";
    }
    out.push_back(ff);
  }
  return out;
}

// The newest checkpoint in DIR/checkpoints (by step in the name), or "".
fs::path newest_checkpoint(const fs::path& dir, long* step) {
  const fs::path ck = dir / "checkpoints";
  fs::path best;
  *step = -1;
  if (!fs::is_directory(ck)) return best;
  const std::regex re(R"(ckpt-(\d+)\.h5)");
  for (const auto& e : fs::directory_iterator(ck)) {
    std::smatch m;
    const std::string name = e.path().filename().string();
    if (std::regex_match(name, m, re) && std::stol(m[1]) > *step) {
      *step = std::stol(m[1]);
      best = e.path();
    }
  }
  return best;
}

void set_text(SummaryRow& r, const std::string& k, const std::string& v) { r.texts[k] = v; }
void set_num(SummaryRow& r, const std::string& k, double v) { r.numbers[k] = v; }

void add_input(SummaryRow& r, const std::string& text) {
  for (const auto& [k, v] : flatten_input(text)) set_text(r, k, v);
}

// A row for the model file MODEL (with its evaluation, if any).
SummaryRow model_row(const FoundFile& model,
                     const std::vector<FoundFile>& files) {
  SummaryRow r;
  set_text(r, "model_file", model.path.filename().string());
  try {
    const auto f = h5::File::open(model.path.string());
    set_text(r, "status", "done");
    set_text(r, "model", attr_or(f, "model"));
    set_text(r, "system", attr_or(f, "system"));
    set_text(r, "data", attr_or(f, "data"));
    set_num(r, "steps", static_cast<double>(h5::read_attr_int(f, "/", "steps")));
    set_num(r, "n_params", static_cast<double>(h5::read_attr_int(f, "/", "n_params")));
    set_num(r, "train_loss", last_of(f, "/history/train_loss"));
    set_num(r, "test_loss", last_of(f, "/history/test_loss"));
    add_input(r, attr_or(f, "input"));
  } catch (const Error& e) {
    set_text(r, "status", "failed");
    set_text(r, "detail", e.what());
    return r;
  }
  for (const auto& ev : files) {
    if (ev.format != "hnn-evaluation" ||
        fs::path(ev.model_file).filename() != model.path.filename())
      continue;
    set_text(r, "eval_file", ev.path.filename().string());
    try {
      const auto f = h5::File::open(ev.path.string());
      for (const auto& [k, v] : numeric_attrs(f, "/metrics")) set_num(r, "metric." + k, v);
    } catch (const Error& e) {
      set_text(r, "detail", e.what());
    }
    break;
  }
  return r;
}

// First word of DIR/status ("" if none) and the whole line.
std::pair<std::string, std::string> read_status(const fs::path& dir) {
  const fs::path p = dir / "status";
  if (!fs::is_regular_file(p)) return {"", ""};
  std::string line = trim(read_text_file(p));
  line = line.substr(0, line.find('\n'));
  return {line.substr(0, line.find_first_of(" \t")), line};
}

SummaryRow empty_dir_row(const fs::path& dir, const std::vector<FoundFile>& files) {
  SummaryRow r;
  const auto [word, line] = read_status(dir);
  long step = -1;
  const fs::path ck = newest_checkpoint(dir, &step);
  std::string detail;
  if (word == "failed") {
    set_text(r, "status", "failed");
    detail = line;
  } else if (word == "running" || word == "requeued" || word == "stopped" || !ck.empty()) {
    set_text(r, "status", "unfinished");
    detail = word.empty() ? "no model file" : line;
  } else {
    set_text(r, "status", "failed");
    detail = word.empty() ? "no model file and no checkpoint" : line;
  }
  for (const auto& f : files)
    if (f.format == "unreadable") detail += "; unreadable: " + f.path.filename().string();
  if (!ck.empty()) {
    detail += "; newest checkpoint at step " + std::to_string(step);
    set_num(r, "steps", static_cast<double>(step));
    try {
      const auto f = h5::File::open(ck.string());
      add_input(r, attr_or(f, "input"));
    } catch (const Error&) {
    }
  }
  if (!r.texts.count("input.output.path") && fs::is_regular_file(dir / "input.toml"))
    add_input(r, read_text_file(dir / "input.toml"));
  // A sweep task that failed before writing anything: at least the row's overrides
  // (overrides.txt: `section.key=value` words), so the run can be placed in a sweep table.
  if (!r.texts.count("input.output.path") && fs::is_regular_file(dir / "overrides.txt")) {
    std::istringstream words(read_text_file(dir / "overrides.txt"));
    std::string w;
    while (words >> w) {
      const auto eq = w.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      std::string v = w.substr(eq + 1);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      set_text(r, "input." + w.substr(0, eq), v);
    }
  }
  set_text(r, "detail", detail);
  return r;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string format_number(double v) {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void write_string_column(const h5::File& f, const std::string& path,
                         const std::vector<std::string>& values) {
  h5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.id(), H5T_VARIABLE);
  H5Tset_cset(type.id(), H5T_CSET_UTF8);
  const hsize_t n = values.size();
  h5::Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  h5::Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  h5::Handle d(H5Dcreate2(f.id(), path.c_str(), type.id(), space.id(), lcpl.id(), H5P_DEFAULT,
                          H5P_DEFAULT),
               H5Dclose);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (!d || (n > 0 && H5Dwrite(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0))
    throw IoError(f.path() + ":" + path + ": cannot write the column");
}

}  // namespace

SummaryTable collect_runs(const std::vector<std::string>& dirs) {
  SummaryTable t;
  for (const auto& d : dirs) {
    const fs::path dir(d);
    if (!fs::is_directory(dir)) throw ConfigError(d + ": not a directory (hnn summarize DIR...)");
    const auto files = scan(dir);
    std::vector<SummaryRow> rows;
    for (const auto& f : files)
      if (f.format == "hnn-model") rows.push_back(model_row(f, files));
    if (rows.empty()) rows.push_back(empty_dir_row(dir, files));
    const auto [word, line] = read_status(dir);
    for (auto& r : rows) {
      std::string run = dir.lexically_normal().string();
      while (run.size() > 1 && run.back() == '/') run.pop_back();
      r.texts["run"] = run;
      if (r.texts["status"] == "done" && !word.empty() && word != "done") {
        r.texts["status"] = word == "failed" ? "failed" : "unfinished";
        r.texts["detail"] = line;
      }
      t.rows.push_back(std::move(r));
    }
  }
  // Columns: fixed ones first, then metrics and inputs in name order.
  const std::vector<std::pair<std::string, bool>> fixed = {
      {"run", false},        {"status", false},   {"detail", false},   {"model_file", false},
      {"eval_file", false},  {"model", false},    {"system", false},   {"data", false},
      {"steps", true},       {"n_params", true},  {"train_loss", true}, {"test_loss", true}};
  std::set<std::string> metrics, inputs;
  for (const auto& r : t.rows) {
    for (const auto& [k, v] : r.numbers)
      if (k.rfind("metric.", 0) == 0) metrics.insert(k);
    for (const auto& [k, v] : r.texts)
      if (k.rfind("input.", 0) == 0) inputs.insert(k);
  }
  for (const auto& [name, num] : fixed) {
    t.columns.push_back(name);
    t.numeric.push_back(num);
  }
  for (const auto& m : metrics) {
    t.columns.push_back(m);
    t.numeric.push_back(true);
  }
  for (const auto& i : inputs) {
    t.columns.push_back(i);
    t.numeric.push_back(false);
  }
  return t;
}

SummarizeResult summarize(const SummarizeRequest& req, MPI_Comm comm) {
  SummarizeResult res;
  const Provenance prov = collect_provenance(comm, req.command_line);
  run_collective(comm, [&] {
    if (mpi_rank(comm) != 0) return;
    if (req.dirs.empty()) throw ConfigError("hnn summarize: no run directories given");
    const SummaryTable t = collect_runs(req.dirs);
    fs::path csv(req.output);
    csv.replace_extension(".csv");
    if (csv == fs::path(req.output)) csv += ".csv";
    if (!req.overwrite && fs::exists(csv))
      throw IoError(csv.string() + ": output exists (use --overwrite)");

    AtomicH5File out(req.output, MPI_COMM_SELF, req.overwrite);
    const h5::File& f = out.file();
    const auto n = static_cast<hsize_t>(t.rows.size());
    std::string names;
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const std::string& col = t.columns[c];
      names += (c ? "," : "") + col;
      if (t.numeric[c]) {
        std::vector<double> v;
        for (const auto& r : t.rows) v.push_back(r.numbers.count(col) ? r.numbers.at(col) : kNaN);
        auto d = h5::Dataset::create<double>(f, "/runs/" + col, {n});
        if (n > 0) d.write_rows(v.data(), 0, n);
      } else {
        std::vector<std::string> v;
        for (const auto& r : t.rows) v.push_back(r.texts.count(col) ? r.texts.at(col) : "");
        write_string_column(f, "/runs/" + col, v);
      }
    }
    std::string dirs;
    for (const auto& d : req.dirs) dirs += d + "\n";
    write_provenance(f, prov, dirs, "");
    h5::write_attr(f, "/", "format", std::string("hnn-summary"));
    h5::write_attr(f, "/", "format_version", std::int64_t{1});
    h5::write_attr(f, "/", "n_runs", static_cast<std::int64_t>(n));
    h5::write_attr(f, "/", "columns", names);

    // The CSV, written beside and renamed into place like the HDF5 file.
    const fs::path tmp = csv.string() + ".partial-" + std::to_string(::getpid());
    {
      std::ofstream o(tmp);
      if (!o) throw IoError(tmp.string() + ": cannot create");
      for (std::size_t c = 0; c < t.columns.size(); ++c)
        o << (c ? "," : "") << csv_field(t.columns[c]);
      o << "\n";
      for (const auto& r : t.rows) {
        for (std::size_t c = 0; c < t.columns.size(); ++c) {
          const std::string& col = t.columns[c];
          std::string cell;
          if (t.numeric[c])
            cell = r.numbers.count(col) ? format_number(r.numbers.at(col)) : "";
          else
            cell = r.texts.count(col) ? r.texts.at(col) : "";
          o << (c ? "," : "") << csv_field(cell);
        }
        o << "\n";
      }
      if (!o.flush()) {
        fs::remove(tmp);
        throw IoError(tmp.string() + ": write failed");
      }
    }
    out.commit();
    fs::rename(tmp, csv);

    res.output = req.output;
    res.csv = csv.string();
    res.n_runs = static_cast<long>(n);
    res.n_columns = static_cast<long>(t.columns.size());
    for (const auto& r : t.rows) {
      const std::string& s = r.texts.at("status");
      if (s == "done") ++res.n_done;
      else if (s == "unfinished") ++res.n_unfinished;
      else ++res.n_failed;
    }
  });
  return res;
}

std::string stored_input(const std::string& path) {
  const auto f = h5::File::open(path);
  if (!h5::has_attr(f, "/", "input")) throw IoError(path + ": no stored input (attribute input)");
  return h5::read_attr_string(f, "/", "input");
}

}  // namespace hnn
