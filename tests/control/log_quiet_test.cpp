// The daemon's one-line-per-event log is noise in unit test output: off for this binary.
#include "control/log.hpp"

namespace {
const bool quiet = [] {
    sy::control::g_log_enabled = false;
    return true;
}();
}  // namespace
