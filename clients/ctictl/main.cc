// ctictl: the command-line client of ctid. See clients/README.md.
#include "command_line.h"

int main(int argc, char** argv) { return cti::ctictl::RunCommandLine(argc, argv); }
