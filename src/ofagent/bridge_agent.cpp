// A bridge's OpenFlow endpoints: the management socket, controller targets (connect with
// backoff, or listen), the connections, fail modes and the asynchronous messages.
#include "ofagent/bridge_agent.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/core.h>

#include "control/log.hpp"

namespace sy::ofagent {

using namespace sy::openflow;

namespace {

constexpr std::uint64_t kSecond = 1'000'000'000ull;
constexpr std::uint64_t kMinBackoff = kSecond, kMaxBackoff = 8 * kSecond;
constexpr std::uint64_t kEchoIdle = 5 * kSecond;  // probe a silent controller after this
constexpr std::size_t kMaxBacklog = 64u << 20;   // a peer that reads nothing is dropped

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::uint64_t dpid_of(const std::string& name) {
    std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a: stable across restarts
    for (unsigned char ch : name) h = (h ^ ch) * 0x100000001b3ull;
    return h & 0x0000ffffffffffffull;
}

}  // namespace

int listen_unix(const std::string& path, Status& error) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
        error = Status(Errc::invalid_argument, fmt::format("socket path too long: {}", path));
        return -1;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error = Status(Errc::io_error, fmt::format("socket: {}", std::strerror(errno)));
        return -1;
    }
    ::unlink(path.c_str());
    const mode_t old = ::umask(0077);  // owner-only from the start
    const int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::umask(old);
    if (rc < 0 || ::listen(fd, 16) < 0) {
        error = Status(Errc::io_error, fmt::format("{}: {}", path, std::strerror(errno)));
        ::close(fd);
        return -1;
    }
    ::chmod(path.c_str(), 0600);
    return fd;
}

int listen_tcp(const std::string& host, std::uint16_t port, Status& error) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error = Status(Errc::io_error, fmt::format("socket: {}", std::strerror(errno)));
        return -1;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || ::listen(fd, 16) < 0) {
        error = Status(Errc::io_error,
                       fmt::format("ptcp:{}:{}: {}", port, host, std::strerror(errno)));
        ::close(fd);
        return -1;
    }
    return fd;
}

void interface_mac(const std::string& name, std::uint8_t out[6]) {
    std::memset(out, 0, 6);
    if (name.find('/') != std::string::npos || name.empty()) return;
    std::ifstream f("/sys/class/net/" + name + "/address");
    std::string text;
    if (!(f >> text)) return;
    unsigned b[6];
    if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) == 6) {
        for (int i = 0; i < 6; ++i) out[i] = static_cast<std::uint8_t>(b[i]);
    }
}

BridgeAgent::BridgeAgent(datapath::Switch& sw, std::string name, std::uint32_t id,
                         std::string mgmt_path)
    : sw_(sw), name_(std::move(name)), id_(id), dpid_(dpid_of(name_)) {
    Status error;
    mgmt_.fd = listen_unix(mgmt_path, error);
    mgmt_.path = mgmt_path;
    mgmt_.text = "punix:" + mgmt_path;
    if (mgmt_.fd < 0) control::log_warn("bridge {}: management socket: {}", name_, error.message());
}

BridgeAgent::~BridgeAgent() {
    conns_.clear();
    auto close_listener = [](Listener& l) {
        if (l.fd >= 0) ::close(l.fd);
        if (!l.path.empty()) ::unlink(l.path.c_str());
    };
    close_listener(mgmt_);
    for (Listener& l : passive_) close_listener(l);
    for (ActiveController& a : active_) {
        if (a.connecting_fd >= 0) ::close(a.connecting_fd);
    }
    // Leave the bridge as it would be without an agent.
    (void)sw_.set_openflow_state(name_, false, false);
}

void BridgeAgent::configure(const std::vector<Target>& targets, FailMode mode) {
    mode_ = mode;
    std::vector<std::string> texts;
    for (const Target& t : targets) texts.push_back(t.text);
    if (texts == configured_) return;
    configured_ = texts;
    // Start over: controller connections close, listeners reopen (rare, operator-driven).
    for (auto& c : conns_) {
        if (c->controller()) c->close();
    }
    drop_closed();
    for (Listener& l : passive_) {
        if (l.fd >= 0) ::close(l.fd);
        if (!l.path.empty()) ::unlink(l.path.c_str());
    }
    passive_.clear();
    for (ActiveController& a : active_) {
        if (a.connecting_fd >= 0) ::close(a.connecting_fd);
    }
    active_.clear();
    for (const Target& t : targets) {
        if (t.passive()) {
            Listener l;
            l.controller = true;
            l.text = t.text;
            Status error;
            if (t.kind == Target::Kind::punix) {
                l.fd = listen_unix(t.path, error);
                l.path = t.path;
            } else {
                l.fd = listen_tcp(t.host, t.port, error);
            }
            if (l.fd < 0) control::log_warn("bridge {}: controller {}: {}", name_, t.text, error.message());
            passive_.push_back(std::move(l));
        } else {
            ActiveController a;
            a.target = t;
            active_.push_back(std::move(a));
        }
    }
    update_switch_state();
}

void BridgeAgent::add_connection(int fd, bool controller, std::string peer) {
    set_nonblocking(fd);
    auto c = std::make_unique<Connection>(fd, controller, std::move(peer));
    encode_hello(c->out(), 0);
    c->flush();
    conns_.push_back(std::move(c));
}

void BridgeAgent::accept_from(Listener& l) {
    for (int i = 0; i < 16; ++i) {
        const int fd = ::accept4(l.fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) return;
        add_connection(fd, l.controller, l.text);
    }
}

void BridgeAgent::start_connect(ActiveController& a, std::uint64_t now_ns) {
    int fd = -1;
    int rc = -1;
    if (a.target.kind == Target::Kind::tcp) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(a.target.port);
        ::inet_pton(AF_INET, a.target.host.c_str(), &addr.sin_addr);
        if (fd >= 0) {
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        }
    } else {
        fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, a.target.path.c_str(), a.target.path.size() + 1);
        if (fd >= 0) rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    }
    a.backoff_ns = a.backoff_ns == 0 ? kMinBackoff : std::min(a.backoff_ns * 2, kMaxBackoff);
    a.next_try_ns = now_ns + a.backoff_ns;
    if (fd < 0) return;
    if (rc == 0) {
        add_connection(fd, true, a.target.text);
        a.conn = conns_.back().get();
        return;
    }
    if (errno == EINPROGRESS) {
        a.connecting_fd = fd;
        return;
    }
    ::close(fd);
}

void BridgeAgent::finish_connect(ActiveController& a, std::uint64_t) {
    int error = 0;
    socklen_t len = sizeof error;
    ::getsockopt(a.connecting_fd, SOL_SOCKET, SO_ERROR, &error, &len);
    const int fd = a.connecting_fd;
    a.connecting_fd = -1;
    if (error != 0) {
        ::close(fd);
        return;
    }
    add_connection(fd, true, a.target.text);
    a.conn = conns_.back().get();
    control::log_info("bridge {}: connected to controller {}", name_, a.target.text);
}

void BridgeAgent::collect_fds(std::vector<pollfd>& fds, std::vector<PollRef>& refs) {
    auto add = [&](int fd, short events, PollRef::Kind kind, void* p) {
        fds.push_back(pollfd{fd, events, 0});
        refs.push_back(PollRef{kind, p, this});
    };
    if (mgmt_.fd >= 0) add(mgmt_.fd, POLLIN, PollRef::Kind::listener, &mgmt_);
    for (Listener& l : passive_) {
        if (l.fd >= 0) add(l.fd, POLLIN, PollRef::Kind::listener, &l);
    }
    for (ActiveController& a : active_) {
        if (a.connecting_fd >= 0) add(a.connecting_fd, POLLOUT, PollRef::Kind::connecting, &a);
    }
    for (auto& c : conns_) {
        if (c->closed()) continue;
        add(c->fd(), static_cast<short>(POLLIN | (c->wants_write() ? POLLOUT : 0)),
            PollRef::Kind::connection, c.get());
    }
}

void BridgeAgent::on_ready(const PollRef& ref, short revents, std::uint64_t now_ns) {
    switch (ref.kind) {
        case PollRef::Kind::listener:
            accept_from(*static_cast<Listener*>(ref.ptr));
            break;
        case PollRef::Kind::connecting:
            finish_connect(*static_cast<ActiveController*>(ref.ptr), now_ns);
            break;
        case PollRef::Kind::connection: {
            auto* c = static_cast<Connection*>(ref.ptr);
            if (c->closed()) break;
            bool ok = true;
            if (revents & (POLLIN | POLLHUP | POLLERR)) {
                ok = c->receive([&](const Header& h, std::span<const std::uint8_t> msg) {
                    c->last_rx_ns = now_ns;
                    c->echo_pending = false;
                    if (!c->close_after_flush) handle(*c, h, msg);
                });
            }
            if (ok) ok = c->flush();
            if (!ok || (c->close_after_flush && !c->wants_write()) || c->backlog() > kMaxBacklog) c->close();
            break;
        }
    }
}

bool BridgeAgent::any_controller_up() const {
    for (const auto& c : conns_) {
        if (c->controller() && c->negotiated && !c->closed()) return true;
    }
    return false;
}

void BridgeAgent::update_switch_state() {
    const bool up = any_controller_up();
    const bool fail_open = !configured_.empty() && !up && mode_ == FailMode::standalone;
    if (state_known_ && up == last_packet_in_ && fail_open == last_fail_open_) return;
    if (sw_.set_openflow_state(name_, up, fail_open)) {
        if (state_known_ && fail_open != last_fail_open_) {
            control::log_info("bridge {}: {}", name_,
                              fail_open ? "no controller: standalone, forwarding as NORMAL"
                                        : "controller connected: flows in force");
        }
        state_known_ = true;
        last_packet_in_ = up;
        last_fail_open_ = fail_open;
    }
}

void BridgeAgent::drop_closed() {
    for (ActiveController& a : active_) {
        if (a.conn && a.conn->closed()) {
            control::log_info("bridge {}: controller {} disconnected", name_, a.target.text);
            a.conn = nullptr;
        }
    }
    std::erase_if(conns_, [](const std::unique_ptr<Connection>& c) { return c->closed(); });
}

void BridgeAgent::tick(std::uint64_t now_ns, const datapath::BridgeInfo* info) {
    for (auto& c : conns_) {
        if (c->closed() || !c->controller() || !c->negotiated) continue;
        if (now_ns - c->last_rx_ns > 3 * kEchoIdle) {
            c->close();  // the controller stopped answering echoes
        } else if (now_ns - c->last_rx_ns > kEchoIdle && !c->echo_pending) {
            encode_simple(c->out(), MsgType::echo_request, 0);
            c->echo_pending = true;
        }
    }
    drop_closed();
    for (ActiveController& a : active_) {
        if (a.conn) {
            if (a.conn->negotiated) a.backoff_ns = 0;
            continue;
        }
        if (a.connecting_fd < 0 && now_ns >= a.next_try_ns) start_connect(a, now_ns);
    }
    for (auto& c : conns_) {
        if (c->last_rx_ns == 0) c->last_rx_ns = now_ns;
    }
    port_changes(info);
    update_switch_state();
    flush_all();
}

void BridgeAgent::flush_all() {
    for (auto& c : conns_) {
        if (!c->closed() && c->wants_write() && !c->flush()) c->close();
    }
}

void BridgeAgent::send_async(const Bytes& msg) {
    for (auto& c : conns_) {
        if (c->closed() || !c->controller() || !c->negotiated || c->role == Role::slave) continue;
        if (c->backlog() > kMaxBacklog) continue;  // a slow controller misses async messages
        c->out().insert(c->out().end(), msg.begin(), msg.end());
    }
}

void BridgeAgent::send_packet_in(const datapath::PacketInRecord& r) {
    PacketInMsg p;
    p.total_len = static_cast<std::uint16_t>(std::min<std::uint32_t>(r.total_len, 0xffff));
    p.reason = r.reason;
    p.table = r.table;
    p.cookie = r.cookie;
    p.in_port = r.in_port;
    p.data = std::span<const std::uint8_t>(r.data, r.length);
    Bytes msg;
    encode_packet_in(msg, 0, p);
    send_async(msg);
}

void BridgeAgent::send_flow_removed(const flow::RemovedFlow& r) {
    Bytes msg;
    encode_flow_removed(msg, 0, r);
    send_async(msg);
}

std::vector<PortDesc> BridgeAgent::port_descs() const {
    // Always the switch's ports now, not the last PORT_STATUS snapshot: a port added a moment
    // ago is in FEATURES/PORT_DESC replies before the agent's next look for changes.
    std::vector<PortDesc> out;
    for (const auto& b : sw_.bridges()) {
        if (b.name != name_) continue;
        for (const auto& p : b.ports) {
            PortDesc d;
            d.port_no = p.config.ofport;
            d.name = p.config.name;
            d.link_down = !p.up;
            interface_mac(p.config.name, d.hw_addr);
            out.push_back(d);
        }
    }
    return out;
}

void BridgeAgent::port_changes(const datapath::BridgeInfo* info) {
    if (!info) return;
    std::map<flow::OfPort, PortSeen> now;
    for (const datapath::PortInfo& p : info->ports) {
        PortSeen s;
        s.desc.port_no = p.config.ofport;
        s.desc.name = p.config.name;
        s.desc.link_down = !p.up;
        auto old = ports_.find(p.config.ofport);
        if (old != ports_.end() && old->second.desc.name == p.config.name) {
            std::memcpy(s.desc.hw_addr, old->second.desc.hw_addr, 6);
        } else {
            interface_mac(p.config.name, s.desc.hw_addr);
        }
        now.emplace(p.config.ofport, s);
    }
    if (ports_known_) {
        for (const auto& [n, s] : ports_) {
            auto it = now.find(n);
            if (it == now.end() || it->second.desc.name != s.desc.name) {
                Bytes msg;
                encode_port_status(msg, 0, PortReason::del, s.desc);
                send_async(msg);
            }
        }
        for (const auto& [n, s] : now) {
            auto it = ports_.find(n);
            Bytes msg;
            if (it == ports_.end() || it->second.desc.name != s.desc.name) {
                encode_port_status(msg, 0, PortReason::add, s.desc);
            } else if (it->second.desc.link_down != s.desc.link_down) {
                encode_port_status(msg, 0, PortReason::modify, s.desc);
            }
            if (!msg.empty()) send_async(msg);
        }
    }
    ports_ = std::move(now);
    ports_known_ = true;
}

}  // namespace sy::ofagent
