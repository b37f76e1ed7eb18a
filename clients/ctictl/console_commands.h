// `ctictl console`: the reception console (console_command.cc, console_model.h).
#ifndef CTI_CLIENTS_CTICTL_CONSOLE_COMMANDS_H_
#define CTI_CLIENTS_CTICTL_CONSOLE_COMMANDS_H_

#include <ostream>

#include "absl/time/time.h"
#include "connection.h"

namespace cti::ctictl {

struct ConsoleOptions {
  // How often the calls in progress are read again.
  absl::Duration refresh = absl::Seconds(1);
};

// Runs the console on the terminal until F10 or Ctrl-C. Exits kExitUnreachable without
// touching the terminal when ctid cannot be reached.
int RunConsole(Connection& connection, const ConsoleOptions& options, std::ostream& err);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_CONSOLE_COMMANDS_H_
