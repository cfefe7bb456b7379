// The TOML input layer (the only translation unit that includes toml11).
#include "io/config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "core/error.hpp"

namespace hnn {

using Value = toml::basic_value<toml::discard_comments, std::map, std::vector>;

struct Config::Impl {
  std::string source;
  Value root;
  std::map<std::string, std::set<std::string>> used;  // section -> keys read
};

namespace {

// First line of a (multi-line) toml11 message, without its "[error] " prefix.
std::string first_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  const std::string prefix = "[error] ";
  if (line.rfind(prefix, 0) == 0) line = line.substr(prefix.size());
  return line;
}

Value parse_text(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  try {
    return toml::parse<toml::discard_comments, std::map, std::vector>(in, name);
  } catch (const toml::exception& e) {
    throw ConfigError(name + ":" + std::to_string(e.location().line()) +
                      ": invalid TOML: " + first_line(e.what()));
  }
}

// Applies "section.key=value"; the value is TOML, or a plain string when it is not valid TOML.
void apply_override(Value& root, const std::string& text) {
  const auto eq = text.find('=');
  const auto dot = text.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq)
    throw ConfigError("--set " + text + ": expected section.key=value");
  const std::string section = text.substr(0, dot), key = text.substr(dot + 1, eq - dot - 1);
  const std::string raw = text.substr(eq + 1);
  if (section.empty() || key.empty() || key.find('.') != std::string::npos)
    throw ConfigError("--set " + text + ": expected section.key=value");
  Value v;
  std::istringstream in("v = " + raw);
  try {
    v = toml::find(toml::parse<toml::discard_comments, std::map, std::vector>(in, "--set"), "v");
  } catch (const toml::exception&) {
    v = Value(raw);
  }
  auto& table = root.as_table();
  if (!table.count(section)) table[section] = Value(Value::table_type{});
  if (!table[section].is_table())
    throw ConfigError("--set " + text + ": '" + section + "' is not a table in the input");
  table[section].as_table()[key] = v;
}

// A value in TOML syntax; doubles in their shortest round-trip form.
std::string show(const Value& v) {
  if (v.is_floating()) {
    const double x = v.as_floating();
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    char buf[64];
    const auto end = std::to_chars(buf, buf + sizeof buf, x).ptr;
    std::string s(buf, end);
    if (s.find_first_of(".en") == std::string::npos) s += ".0";  // keep it a TOML float
    return s;
  }
  if (v.is_array()) {
    std::string s = "[";
    for (const auto& e : v.as_array()) s += (s.size() > 1 ? ", " : "") + show(e);
    return s + "]";
  }
  if (v.is_table()) {
    std::string s = "{";
    for (const auto& [k, e] : v.as_table()) s += (s.size() > 1 ? ", " : "") + k + " = " + show(e);
    return s + "}";
  }
  std::string s = toml::format(v);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Config Config::from_string(const std::string& text, const std::string& name,
                           const std::vector<std::string>& overrides) {
  Config c;
  c.impl_ = std::make_shared<Impl>();
  c.impl_->source = name;
  c.impl_->root = parse_text(text, name);
  for (const auto& [key, value] : c.impl_->root.as_table())
    if (!value.is_table())
      throw ConfigError(name + ":" + std::to_string(value.location().line()) + ": top-level key '" +
                        key + "' must be inside a [section]");
  for (const auto& o : overrides) apply_override(c.impl_->root, o);
  return c;
}

Config Config::from_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open input file");
  std::stringstream buf;
  buf << in.rdbuf();
  return from_string(buf.str(), path, overrides);
}

Section Config::section(const std::string& name) const {
  auto& table = impl_->root.as_table();
  if (!table.count(name)) table[name] = Value(Value::table_type{});
  impl_->used[name];  // the section itself is known
  return Section(impl_, name);
}

bool Config::has_section(const std::string& name) const {
  return impl_->root.as_table().count(name) > 0;
}

const std::string& Config::source() const { return impl_->source; }

std::string Config::resolved_text() const {
  std::string out;
  for (const auto& [name, table] : impl_->root.as_table()) {
    out += (out.empty() ? "[" : "\n[") + name + "]\n";
    for (const auto& [key, v] : table.as_table()) out += key + " = " + show(v) + "\n";
  }
  return out;
}

namespace {

// "FILE:LINE" for a value read from the input file; "FILE (--set)" for one from an override.
std::string where(const Config::Impl& impl, const Value& v) {
  if (v.location().file_name() != impl.source) return impl.source + " (--set)";
  return impl.source + ":" + std::to_string(v.location().line());
}

}  // namespace

void Config::check_sections(const std::vector<std::string>& known) const {
  for (const auto& [name, value] : impl_->root.as_table())
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "[" : ", [") + k + "]";
      throw ConfigError(where(*impl_, value) + ": unknown section [" + name + "] (expected " +
                        list + ")");
    }
}

void Config::check_all_used() const {
  for (const auto& [name, value] : impl_->root.as_table()) {
    auto it = impl_->used.find(name);
    if (it == impl_->used.end())
      throw ConfigError(where(*impl_, value) + ": unknown section [" + name + "]");
    for (const auto& [key, v] : value.as_table())
      if (!it->second.count(key))
        throw ConfigError(where(*impl_, v) + ": unknown key '" + key + "' in [" + name + "]");
  }
}

// ---------------------------------------------------------------------------------------------

Section::Section(std::shared_ptr<Config::Impl> impl, std::string name)
    : impl_(std::move(impl)), name_(std::move(name)) {}

namespace {

Value& table_of(Config::Impl& impl, const std::string& section) {
  return impl.root.as_table().at(section);
}

// The value under KEY, or nullptr. Marks the key as read.
const Value* lookup(Config::Impl& impl, const std::string& section, const std::string& key) {
  impl.used[section].insert(key);
  auto& t = table_of(impl, section).as_table();
  auto it = t.find(key);
  return it == t.end() ? nullptr : &it->second;
}

}  // namespace

bool Section::has(const std::string& key) const {
  return table_of(*impl_, name_).as_table().count(key) > 0;
}

void Section::fail(const std::string& key, const std::string& what) const {
  auto& t = table_of(*impl_, name_).as_table();
  auto it = t.find(key);
  std::string where = impl_->source;
  std::string shown = "(missing)";
  if (it != t.end()) {
    const auto line = it->second.location().line();
    if (it->second.location().file_name() == impl_->source && line > 0)
      where += ":" + std::to_string(line);
    shown = show(it->second);
  }
  throw ConfigError(where + ": [" + name_ + "] " + key + " = " + shown + ": " + what);
}

namespace {

template <class T>
const Value* get_or_default(Config::Impl& impl, const std::string& section, const std::string& key,
                            const std::optional<T>& def, const Section& s) {
  const Value* v = lookup(impl, section, key);
  if (v) return v;
  if (!def) s.fail(key, "required key is missing");
  table_of(impl, section).as_table()[key] = Value(*def);
  return nullptr;
}

}  // namespace

double Section::get_double(const std::string& key, std::optional<double> def) const {
  const Value* v = get_or_default(*impl_, name_, key, def, *this);
  if (!v) return *def;
  double x = 0;
  if (v->is_floating())
    x = v->as_floating();
  else if (v->is_integer())
    x = static_cast<double>(v->as_integer());
  else
    fail(key, "expected a number");
  if (!std::isfinite(x)) fail(key, "must be finite");
  return x;
}

long Section::get_int(const std::string& key, std::optional<long> def) const {
  const Value* v = get_or_default(*impl_, name_, key, def, *this);
  if (!v) return *def;
  if (!v->is_integer()) fail(key, "expected an integer");
  return static_cast<long>(v->as_integer());
}

bool Section::get_bool(const std::string& key, std::optional<bool> def) const {
  const Value* v = get_or_default(*impl_, name_, key, def, *this);
  if (!v) return *def;
  if (!v->is_boolean()) fail(key, "expected true or false");
  return v->as_boolean();
}

std::string Section::get_string(const std::string& key, std::optional<std::string> def) const {
  const Value* v = get_or_default(*impl_, name_, key, def, *this);
  if (!v) return *def;
  if (!v->is_string()) fail(key, "expected a string");
  return v->as_string().str;
}

std::vector<double> Section::get_double_list(const std::string& key,
                                             std::optional<std::vector<double>> def) const {
  const Value* v = lookup(*impl_, name_, key);
  if (!v) {
    if (!def) fail(key, "required key is missing");
    table_of(*impl_, name_).as_table()[key] = Value(Value::array_type(def->begin(), def->end()));
    return *def;
  }
  if (!v->is_array()) fail(key, "expected an array of numbers");
  std::vector<double> out;
  for (const auto& e : v->as_array()) {
    if (e.is_floating())
      out.push_back(e.as_floating());
    else if (e.is_integer())
      out.push_back(static_cast<double>(e.as_integer()));
    else
      fail(key, "expected an array of numbers");
    if (!std::isfinite(out.back())) fail(key, "every entry must be finite");
  }
  return out;
}

double Section::get_positive(const std::string& key, std::optional<double> def) const {
  const double x = get_double(key, def);
  require(x > 0.0, key, "must be > 0");
  return x;
}

double Section::get_non_negative(const std::string& key, std::optional<double> def) const {
  const double x = get_double(key, def);
  require(x >= 0.0, key, "must be >= 0");
  return x;
}

long Section::get_count(const std::string& key, std::optional<long> def, long min) const {
  const long n = get_int(key, def);
  require(n >= min, key, "must be an integer >= " + std::to_string(min));
  return n;
}

std::string Section::get_choice(const std::string& key, const std::vector<std::string>& choices,
                                std::optional<std::string> def) const {
  const std::string s = get_string(key, def);
  for (const auto& c : choices)
    if (s == c) return s;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  fail(key, "must be one of: " + list);
}

}  // namespace hnn
