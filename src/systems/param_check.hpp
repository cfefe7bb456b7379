// Validation of a system's parameters in its constructor: a one-line ConfigError
// "<system>: <key> = <value> <what>" (the registry adds the input file's name).
#pragma once

#include <string>

namespace hnn {

[[noreturn]] void param_error(const std::string& system, const std::string& key, double value,
                              const std::string& what);

inline void check_param(bool ok, const char* system, const std::string& key, double value,
                        const char* what) {
  if (!ok) param_error(system, key, value, what);
}

}  // namespace hnn
