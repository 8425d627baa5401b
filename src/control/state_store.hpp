#pragma once
// The configuration on disk: one JSON file, replaced atomically (write a temporary file,
// fsync it, rename it over the old one, fsync the directory), so a crash at any moment leaves
// either the old or the new configuration, never a torn one.

#include <string>

#include "base/status.hpp"
#include "control/config.hpp"

namespace sy::control {

class StateStore {
  public:
    // An empty path keeps the configuration in memory only (tests, fuzzing).
    explicit StateStore(std::string path) : path_(std::move(path)) {}

    const std::string& path() const { return path_; }

    // A missing file is an empty configuration. An unreadable or invalid one is
    // Errc::corrupt, naming the file and the problem; the file is left untouched.
    Result<Config> load() const;
    Status save(const Config& config) const;

    // Renames a corrupt file aside (to PATH.corrupt-UNIXTIME) so the daemon can start empty
    // without destroying it. Returns the new name.
    Result<std::string> move_aside() const;

  private:
    std::string path_;
};

}  // namespace sy::control
