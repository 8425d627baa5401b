#include "control/state_store.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sy::control {
namespace {

Status io_error(const std::string& what, int err) {
    return Status(Errc::io_error, fmt::format("{}: {}", what, std::strerror(err)));
}

Status write_all(int fd, const std::string& data, const std::string& path) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return io_error(fmt::format("cannot write {}", path), errno);
        done += static_cast<std::size_t>(n);
    }
    return Status::ok();
}

Status fsync_dir(const std::string& dir) {
    const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return io_error(fmt::format("cannot open directory {}", dir), errno);
    const int rc = fsync(fd);
    const int err = errno;
    close(fd);
    if (rc != 0) return io_error(fmt::format("cannot fsync directory {}", dir), err);
    return Status::ok();
}

}  // namespace

Result<Config> StateStore::load() const {
    if (path_.empty()) return Config{};
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) return Config{};
        return io_error(fmt::format("cannot read state file {}", path_), errno);
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
        return Status(
            Errc::corrupt,
            fmt::format("state file {} is corrupt: not valid JSON ({} bytes)", path_, text.size()));
    }
    auto config = config_from_json(doc);
    if (!config) {
        return Status(Errc::corrupt, fmt::format("state file {} is corrupt: {}", path_,
                                                 config.status().message()));
    }
    return config;
}

Status StateStore::save(const Config& config) const {
    if (path_.empty()) return Status::ok();
    const std::filesystem::path path(path_);
    const std::string dir = path.parent_path().empty() ? "." : path.parent_path().string();
    const std::string tmp = path_ + ".tmp";
    const std::string text = to_json(config).dump(2) + "\n";

    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return io_error(fmt::format("cannot create {}", tmp), errno);
    Status s = write_all(fd, text, tmp);
    if (s && fsync(fd) != 0) s = io_error(fmt::format("cannot fsync {}", tmp), errno);
    if (close(fd) != 0 && s) s = io_error(fmt::format("cannot close {}", tmp), errno);
    if (s && rename(tmp.c_str(), path_.c_str()) != 0) {
        s = io_error(fmt::format("cannot rename {} to {}", tmp, path_), errno);
    }
    if (!s) {
        unlink(tmp.c_str());
        return s;
    }
    return fsync_dir(dir);
}

Result<std::string> StateStore::move_aside() const {
    const std::string aside = fmt::format("{}.corrupt-{}", path_, std::time(nullptr));
    if (rename(path_.c_str(), aside.c_str()) != 0) {
        return io_error(fmt::format("cannot rename {} to {}", path_, aside), errno);
    }
    return aside;
}

}  // namespace sy::control
