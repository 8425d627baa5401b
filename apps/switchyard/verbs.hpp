#pragma once
// Each verb family registers its subcommands on the root app. One function per family,
// defined in verbs_<family>.cpp, called from main.cpp.
#include <CLI/CLI.hpp>

namespace sy::app {

// Set by a verb's callback; main() returns it. Convention: 0 ok, 1 problem found, 2 bad input.
int& exit_code();

}  // namespace sy::app
