// Stop requests from the batch system: SIGTERM or SIGUSR1 (Slurm's --signal=B:USR1@T, scancel
// --signal=USR1) set a flag that the trainer reads at the end of each step; it then writes a
// checkpoint and exits with kExitCheckpointed, so a job script can tell a checkpointed stop
// from completion (0) and from an error (1).
#pragma once

namespace hnn {

// sysexits' EX_TEMPFAIL: "temporary failure, try again" — requeue and resume with --restart auto.
inline constexpr int kExitCheckpointed = 75;

// Installs the handlers (idempotent). The previous handlers are not chained.
void install_stop_handlers();
// True once SIGTERM or SIGUSR1 arrived (since the handlers were installed or the last reset).
bool stop_requested();
void reset_stop_request();
// For tests: behave as if a signal had arrived.
void request_stop();

}  // namespace hnn
