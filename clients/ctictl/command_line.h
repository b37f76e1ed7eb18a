// ctictl's command line: the global flags, every command with its flags and --help, and
// the mapping of CLI11's parse errors to exit codes.
#ifndef CTI_CLIENTS_CTICTL_COMMAND_LINE_H_
#define CTI_CLIENTS_CTICTL_COMMAND_LINE_H_

namespace cti::ctictl {

// Parses argv, runs the chosen command and answers the process's exit code: the
// command's, 0 after --help, kExitUsage after a usage error (printed to stderr).
// Reads CTI_SERVER, CTI_TENANT and USER from the environment for defaults.
int RunCommandLine(int argc, char** argv);

}  // namespace cti::ctictl

#endif  // CTI_CLIENTS_CTICTL_COMMAND_LINE_H_
