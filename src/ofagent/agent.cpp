#include "ofagent/agent.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "control/log.hpp"

namespace sy::ofagent {

namespace {
std::uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}
constexpr std::uint64_t kSyncEvery = 200'000'000ull;  // configuration, ports, reconnects
constexpr int kPollMs = 5;                            // packet-in latency bound
}  // namespace

Result<std::unique_ptr<Agent>> Agent::start(datapath::Switch& sw, control::SwitchService& service,
                                            std::string run_dir) {
    std::unique_ptr<Agent> agent(new Agent(sw, service, std::move(run_dir)));
    agent->wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    agent->sync(now_ns());
    agent->thread_ = std::thread([a = agent.get()] { a->run(); });
    return agent;
}

Agent::Agent(datapath::Switch& sw, control::SwitchService& service, std::string run_dir)
    : sw_(sw), service_(service), run_dir_(std::move(run_dir)) {}

Agent::~Agent() {
    stop_ = true;
    if (wake_fd_ >= 0) {
        const std::uint64_t one = 1;
        (void)!::write(wake_fd_, &one, sizeof one);
    }
    if (thread_.joinable()) thread_.join();
    bridges_.clear();
    if (wake_fd_ >= 0) ::close(wake_fd_);
}

void Agent::sync(std::uint64_t now) {
    const auto infos = sw_.bridges();
    const control::Config config = service_.config();
    // Bridges come and go with the switch.
    std::map<std::string, const datapath::BridgeInfo*> live;
    for (const auto& b : infos) live[b.name] = &b;
    for (auto it = bridges_.begin(); it != bridges_.end();) {
        auto l = live.find(it->first);
        if (l == live.end() || l->second->id != it->second->id()) {
            by_id_.erase(it->second->id());
            it = bridges_.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto& b : infos) {
        if (bridges_.count(b.name)) continue;
        auto agent = std::make_unique<BridgeAgent>(sw_, b.name, b.id, run_dir_ + "/" + b.name + ".mgmt");
        by_id_[b.id] = agent.get();
        bridges_.emplace(b.name, std::move(agent));
    }
    for (auto& [name, agent] : bridges_) {
        std::vector<Target> targets;
        FailMode mode = FailMode::standalone;
        for (const control::BridgeRecord& rec : config.bridges) {
            if (rec.name != name) continue;
            for (const std::string& t : rec.controllers) {
                if (auto parsed = parse_target(t)) targets.push_back(*parsed);
            }
            if (rec.fail_mode == "secure") mode = FailMode::secure;
        }
        agent->configure(targets, mode);
        agent->tick(now, live[name]);
    }
}

void Agent::run() {
    std::uint64_t last_sync = now_ns();
    std::vector<pollfd> fds;
    std::vector<BridgeAgent::PollRef> refs;
    while (!stop_) {
        fds.clear();
        refs.clear();
        fds.push_back(pollfd{wake_fd_, POLLIN, 0});
        refs.push_back(BridgeAgent::PollRef{BridgeAgent::PollRef::Kind::listener, nullptr, nullptr});
        for (auto& [name, agent] : bridges_) agent->collect_fds(fds, refs);
        ::poll(fds.data(), fds.size(), kPollMs);
        if (stop_) break;
        const std::uint64_t now = now_ns();
        for (std::size_t i = 1; i < fds.size(); ++i) {
            if (fds[i].revents) refs[i].agent->on_ready(refs[i], fds[i].revents, now);
        }
        // Packet-ins, oldest first, to their bridge's controllers.
        sw_.take_packet_ins(
            [&](const datapath::PacketInRecord& r) {
                auto it = by_id_.find(r.bridge_id);
                if (it != by_id_.end()) it->second->send_packet_in(r);
            },
            1024);
        for (auto& [id, removed] : sw_.take_expired_flows()) {
            auto it = by_id_.find(id);
            if (it != by_id_.end()) it->second->send_flow_removed(removed);
        }
        if (now - last_sync >= kSyncEvery) {
            last_sync = now;
            sync(now);
        } else {
            for (auto& [name, agent] : bridges_) agent->flush_all();
        }
    }
}

}  // namespace sy::ofagent
