#include "systems/param_check.hpp"

#include <sstream>

#include "core/error.hpp"

namespace hnn {

void param_error(const std::string& system, const std::string& key, double value,
                 const std::string& what) {
  std::ostringstream msg;
  msg.precision(12);
  msg << system << ": " << key << " = " << value << " " << what;
  throw ConfigError(msg.str());
}

}  // namespace hnn
