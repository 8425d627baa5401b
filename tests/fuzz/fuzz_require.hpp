// The fuzz targets' invariant check. It names the failed line before aborting, so a CI log
// that shows only the end of a crash report still says which property broke. A macro because
// this clang with libstdc++ 12 has no std::source_location.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace sy::fuzz {

[[noreturn]] inline void invariant_failed(const char* what, const char* file, int line) {
    std::fprintf(stderr, "fuzz invariant failed at %s:%d: %s\n", file, line, what);
    std::abort();
}

}  // namespace sy::fuzz

#define SY_FUZZ_REQUIRE(condition) \
    ((condition) ? void() : ::sy::fuzz::invariant_failed(#condition, __FILE__, __LINE__))
