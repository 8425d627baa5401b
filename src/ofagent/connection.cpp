#include "ofagent/connection.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace sy::ofagent {

using namespace sy::openflow;

Connection::Connection(int fd, bool controller, std::string peer)
    : fd_(fd), controller_(controller), peer_(std::move(peer)) {}

Connection::~Connection() { close(); }

void Connection::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool Connection::receive(
    const std::function<void(const Header&, std::span<const std::uint8_t>)>& on_message) {
    if (fd_ < 0) return false;
    std::uint8_t buf[65536];
    for (int round = 0; round < 16; ++round) {
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n == 0) return false;
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            if (errno == EINTR) continue;
            return false;
        }
        rx_.insert(rx_.end(), buf, buf + n);
        // Whole messages, in order.
        for (;;) {
            const std::span<const std::uint8_t> pending(rx_.data() + consumed_, rx_.size() - consumed_);
            const auto h = peek_header(pending);
            if (!h) break;
            if (h->length < kHeaderSize) {
                // No way to find the next message: say why and hang up.
                encode_error(tx_, h->xid, err::bad_len, pending.first(kHeaderSize));
                flush();
                return false;
            }
            if (pending.size() < h->length) break;
            on_message(*h, pending.first(h->length));
            consumed_ += h->length;
            if (fd_ < 0) return false;
        }
        if (consumed_ == rx_.size()) {
            rx_.clear();
            consumed_ = 0;
        } else if (consumed_ > 65536) {
            rx_.erase(rx_.begin(), rx_.begin() + static_cast<std::ptrdiff_t>(consumed_));
            consumed_ = 0;
        }
        if (static_cast<std::size_t>(n) < sizeof buf) break;
    }
    return true;
}

bool Connection::flush() {
    if (fd_ < 0) return false;
    while (sent_ < tx_.size()) {
        const ssize_t n = ::send(fd_, tx_.data() + sent_, tx_.size() - sent_, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
            if (errno == EINTR) continue;
            return false;
        }
        sent_ += static_cast<std::size_t>(n);
    }
    tx_.clear();
    sent_ = 0;
    return true;
}

}  // namespace sy::ofagent
