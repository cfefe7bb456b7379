# Shared helpers for the command-line tests. Each test script sources this file.
# Environment (set by CTest): HNN (the executable), HNN_SOURCE_DIR, MPIEXEC.
set -u
: "${HNN:?HNN must point to the hnn executable}"
: "${HNN_SOURCE_DIR:?}"
PY=/usr/bin/python3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# expect_error DESCRIPTION PATTERN CMD...: CMD exits non-zero, its stderr has exactly one
# line, and that line matches PATTERN (grep -E).
expect_error() {
  local what=$1 pattern=$2
  shift 2
  local err rc
  err=$("$@" 2>&1 >/dev/null)
  rc=$?
  if [[ $rc -eq 0 ]]; then
    fail "$what: exit code 0"
  elif [[ $(printf '%s\n' "$err" | grep -c .) -ne 1 ]]; then
    fail "$what: expected one error line, got:"$'\n'"$err"
  elif ! grep -qE -- "$pattern" <<<"$err"; then
    fail "$what: '$err' does not match /$pattern/"
  else
    pass "$what ($err)"
  fi
}

# no_outputs DIR: no .h5 and no temporary left in DIR.
no_outputs() {
  local left
  left=$(find "$1" -name '*.h5' -o -name '*.partial-*' | head -1)
  [[ -z "$left" ]] || fail "left behind: $left"
}

finish() {
  if [[ $failures -gt 0 ]]; then
    echo "$failures failure(s)"
    exit 1
  fi
  echo "all passed"
}
