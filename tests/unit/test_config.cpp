// The TOML input layer: defaults recorded, overrides, type and range errors naming file and key,
// unknown keys rejected.
#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "io/config.hpp"

namespace {

using hnn::Config;
using hnn::ConfigError;

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Config, DefaultsAreRecordedInTheResolvedInput) {
  Config c = Config::from_string("[a]\nx = 2\n", "in.toml");
  auto a = c.section("a");
  EXPECT_EQ(a.get_double("x"), 2.0);  // an integer is accepted for a double
  EXPECT_EQ(a.get_double("y", 0.1), 0.1);
  EXPECT_EQ(a.get_string("s", "hi"), "hi");
  EXPECT_EQ(c.resolved_text(), "[a]\ns = \"hi\"\nx = 2\ny = 0.1\n");
  // The resolved text parses back to the same values.
  Config again = Config::from_string(c.resolved_text(), "resolved");
  EXPECT_EQ(again.section("a").get_double("y"), 0.1);
}

TEST(Config, OverridesReplaceAndAdd) {
  Config c = Config::from_string("[a]\nx = 2\n", "in.toml", {"a.x=3.5", "b.name=kepler", "a.v=[1, 2]"});
  EXPECT_EQ(c.section("a").get_double("x"), 3.5);
  EXPECT_EQ(c.section("b").get_string("name"), "kepler");  // bare word taken as a string
  EXPECT_EQ(c.section("a").get_double_list("v"), (std::vector<double>{1, 2}));
  EXPECT_NE(error_of([] { Config::from_string("", "in.toml", {"nodot=1"}); }).find("section.key=value"),
            std::string::npos);
}

TEST(Config, ErrorsNameFileLineKeyAndValue) {
  Config c = Config::from_string("[a]\nn = -3\ns = \"x\"\nf = inf\n", "in.toml");
  auto a = c.section("a");
  EXPECT_EQ(error_of([&] { a.get_count("n"); }), "in.toml:2: [a] n = -3: must be an integer >= 1");
  EXPECT_EQ(error_of([&] { a.get_double("s"); }), "in.toml:3: [a] s = \"x\": expected a number");
  EXPECT_EQ(error_of([&] { a.get_double("f"); }), "in.toml:4: [a] f = inf: must be finite");
  EXPECT_EQ(error_of([&] { a.get_double("missing"); }),
            "in.toml: [a] missing = (missing): required key is missing");
  EXPECT_EQ(error_of([&] { a.get_choice("s", {"y", "z"}); }),
            "in.toml:3: [a] s = \"x\": must be one of: y, z");
}

TEST(Config, UnknownKeysAndSectionsAreErrors) {
  Config c = Config::from_string("[a]\nx = 1\ntypo = 2\n[b]\ny = 1\n", "in.toml");
  c.section("a").get_double("x");
  EXPECT_EQ(error_of([&] { c.check_all_used(); }), "in.toml:3: unknown key 'typo' in [a]");
  EXPECT_EQ(error_of([&] { c.check_sections({"a"}); }),
            "in.toml:4: unknown section [b] (expected [a])");
  EXPECT_NE(error_of([] { Config::from_string("x = 1\n", "in.toml"); }).find("inside a [section]"),
            std::string::npos);
  EXPECT_NE(error_of([] { Config::from_string("[a]\nx = = 1\n", "in.toml"); }).find("in.toml:2: invalid TOML"),
            std::string::npos);
}

}  // namespace
