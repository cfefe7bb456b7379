// Input files. One TOML file per run, mapped to plain values through Section getters that
// (1) fill in and record defaults, so the resolved input can be echoed and stored in outputs,
// (2) reject wrong types and non-finite numbers with a message naming file, key and value, and
// (3) remember which keys were read, so check_all_used() can reject unknown keys.
// toml11 is included by config.cpp only (it is slow to compile).
#pragma once

#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hnn {

class Section;

class Config {
 public:
  // Parses PATH and applies overrides "a.b=value" (value in TOML syntax; a bare word that is not
  // valid TOML is taken as a string). Throws ConfigError naming the file or the override.
  static Config from_file(const std::string& path, const std::vector<std::string>& overrides = {});
  static Config from_string(const std::string& text, const std::string& name = "<string>",
                            const std::vector<std::string>& overrides = {});

  // The table [name]; an empty one is created when missing (so its defaults are recorded).
  Section section(const std::string& name) const;
  bool has_section(const std::string& name) const;
  // Name of the input (file path) used in messages.
  const std::string& source() const;
  // The input as TOML with every default that was read filled in, keys sorted.
  std::string resolved_text() const;
  // Throws ConfigError for the first top-level table not in KNOWN (call it first, so that a
  // misspelt section is reported as such rather than as a missing key).
  void check_sections(const std::vector<std::string>& known) const;
  // Throws ConfigError for the first top-level table or key that no getter has read.
  void check_all_used() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

class Section {
 public:
  Section(std::shared_ptr<Config::Impl> impl, std::string name);

  const std::string& name() const { return name_; }
  bool has(const std::string& key) const;

  // Getters: without a default the key is required. Integers are accepted for doubles.
  double get_double(const std::string& key, std::optional<double> def = std::nullopt) const;
  long get_int(const std::string& key, std::optional<long> def = std::nullopt) const;
  bool get_bool(const std::string& key, std::optional<bool> def = std::nullopt) const;
  std::string get_string(const std::string& key,
                         std::optional<std::string> def = std::nullopt) const;
  std::vector<double> get_double_list(const std::string& key,
                                      std::optional<std::vector<double>> def = std::nullopt) const;

  // Range-checked variants; the message names the bound.
  double get_positive(const std::string& key, std::optional<double> def = std::nullopt) const;
  double get_non_negative(const std::string& key, std::optional<double> def = std::nullopt) const;
  long get_count(const std::string& key, std::optional<long> def = std::nullopt,
                 long min = 1) const;  // an integer >= min
  // A string that must be one of CHOICES.
  std::string get_choice(const std::string& key, const std::vector<std::string>& choices,
                         std::optional<std::string> def = std::nullopt) const;

  // Throws ConfigError "FILE: [section] key = VALUE: WHAT".
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  void require(bool ok, const std::string& key, const std::string& what) const {
    if (!ok) fail(key, what);
  }

 private:
  std::shared_ptr<Config::Impl> impl_;
  std::string name_;
};

}  // namespace hnn
