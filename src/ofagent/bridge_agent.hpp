#pragma once
// The OpenFlow side of one bridge: its management socket (BR.mgmt, for ovs-ofctl), its
// controllers (set-controller targets: active ones reconnect with backoff, passive ones
// listen), the connections, and what each message does to the switch (session.cpp).
// Fail modes: standalone (the default) makes the bridge the plain learning bridge while it
// has controllers configured and none connected; secure keeps its flows whatever happens.

#include <poll.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "datapath/switch.hpp"
#include "ofagent/connection.hpp"
#include "openflow/target.hpp"

namespace sy::ofagent {

using openflow::Target;
using openflow::parse_target;

enum class FailMode { standalone, secure };

// An active controller target and its reconnect state.
struct ActiveController {
    Target target;
    int connecting_fd = -1;        // a connect() in progress
    Connection* conn = nullptr;    // established (owned by BridgeAgent::conns_)
    std::uint64_t next_try_ns = 0;
    std::uint64_t backoff_ns = 0;  // doubles from 1 s to 8 s
};

struct Listener {
    int fd = -1;
    std::string path;   // unix: removed on close
    bool controller = false;
    std::string text;
};

class BridgeAgent {
  public:
    BridgeAgent(datapath::Switch& sw, std::string name, std::uint32_t id, std::string mgmt_path);
    ~BridgeAgent();

    const std::string& name() const { return name_; }
    std::uint32_t id() const { return id_; }

    // Applies the configured targets and fail mode (unchanged ones keep their connections).
    void configure(const std::vector<Target>& targets, FailMode mode);
    // Every fd to poll and for what; then what poll() said about each.
    struct PollRef {
        enum class Kind { listener, connecting, connection } kind;
        void* ptr;
        BridgeAgent* agent;
    };
    void collect_fds(std::vector<struct pollfd>& fds, std::vector<PollRef>& refs);
    void on_ready(const PollRef& ref, short revents, std::uint64_t now_ns);
    // Once per agent tick: reconnects, echo probes, fail-open state, port changes.
    void tick(std::uint64_t now_ns, const datapath::BridgeInfo* info);
    // Asynchronous messages to the controllers.
    void send_packet_in(const datapath::PacketInRecord& r);
    void send_flow_removed(const flow::RemovedFlow& r);
    void flush_all();

  private:
    void accept_from(Listener& l);
    void add_connection(int fd, bool controller, std::string peer);
    void drop_closed();
    void start_connect(ActiveController& c, std::uint64_t now_ns);
    void finish_connect(ActiveController& c, std::uint64_t now_ns);
    void handle(Connection& c, const openflow::Header& h, std::span<const std::uint8_t> msg);
    void handle_flow_mod(Connection& c, const openflow::Header& h,
                         std::span<const std::uint8_t> msg);
    void handle_packet_out(Connection& c, const openflow::Header& h,
                           std::span<const std::uint8_t> msg);
    void handle_multipart(Connection& c, const openflow::Header& h,
                          std::span<const std::uint8_t> msg);
    void handle_role(Connection& c, const openflow::Header& h, std::span<const std::uint8_t> msg);
    void send_async(const openflow::Bytes& msg);
    void port_changes(const datapath::BridgeInfo* info);
    std::vector<openflow::PortDesc> port_descs() const;
    void update_switch_state();
    bool any_controller_up() const;

    datapath::Switch& sw_;
    std::string name_;
    std::uint32_t id_;
    std::uint64_t dpid_;
    Listener mgmt_;
    std::vector<Listener> passive_;  // ptcp / punix controller targets
    std::vector<ActiveController> active_;
    std::vector<std::unique_ptr<Connection>> conns_;
    FailMode mode_ = FailMode::standalone;
    std::vector<std::string> configured_;  // target texts, to see what changed
    bool state_known_ = false, last_packet_in_ = false, last_fail_open_ = false;
    struct PortSeen {
        openflow::PortDesc desc;
    };
    std::map<flow::OfPort, PortSeen> ports_;
    bool ports_known_ = false;
    std::uint64_t generation_id_ = 0;
    bool generation_known_ = false;
};

// The mgmt socket and listener helpers.
int listen_unix(const std::string& path, Status& error);
int listen_tcp(const std::string& host, std::uint16_t port, Status& error);
// A MAC for a port's ofp_port (its interface's, when there is one).
void interface_mac(const std::string& name, std::uint8_t out[6]);

}  // namespace sy::ofagent
