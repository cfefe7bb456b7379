// Version of hnn and the git commit it was built from (stamped at build time).
#pragma once

namespace hnn {
const char* version();
const char* git_hash();  // `git describe --always --dirty`, or "unknown" outside a checkout
}  // namespace hnn
