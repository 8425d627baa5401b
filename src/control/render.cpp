#include "control/render.hpp"

#include <fmt/core.h>

namespace sy::control {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key, const char* fallback = "") {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::uint64_t num(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

std::string vlan_text(const json& port) {
    if (port.contains("vlan")) return fmt::format("vlan {}", port["vlan"].dump());
    if (port.contains("trunk")) {
        std::string ids;
        for (const auto& v : port["trunk"]) ids += (ids.empty() ? "" : ",") + v.dump();
        return "trunk " + ids;
    }
    return "untagged";
}

}  // namespace

std::string render_show(const json& show) {
    std::string out;
    if (str(show, "kernel_fastpath", "off") != "off") {
        out += fmt::format("kernel fast path: {}\n", str(show, "kernel_fastpath"));
    }
    const auto& bridges = show.value("bridges", json::array());
    if (bridges.empty()) out += "no bridges\n";
    const bool threads = show.value("poll_threads", 1) > 1;
    if (threads) {
        out += fmt::format("poll threads: {}", show.value("poll_threads", 1));
        const std::uint64_t moved = show.value("bridges_moved", std::uint64_t{0});
        if (moved != 0)
            out += fmt::format(" (bridges moved by load: {}; last: {})", moved,
                               str(show, "last_move"));
        out += "\n";
    }
    for (const auto& bridge : bridges) {
        out += fmt::format("bridge {}\n", str(bridge, "name"));
        if (threads) {
            out += fmt::format("    poll thread: {}", bridge.value("poll_thread", 0));
            if (bridge.contains("load"))
                out += fmt::format(" (load {:.0f} % of it)", bridge["load"].get<double>() * 100);
            out += "\n";
        }
        if (bridge.contains("flows")) {
            out += bridge.value("default_flows", true)
                       ? "    flows: the default (priority=0,actions=NORMAL)\n"
                       : fmt::format("    flows: {} (dump-flows {})\n",
                                     bridge["flows"].get<std::uint64_t>(), str(bridge, "name"));
        }
        if (bridge.contains("fail_mode")) {
            std::string ctl;
            for (const auto& t : bridge.value("controllers", json::array()))
                ctl += (ctl.empty() ? "" : " ") + t.get<std::string>();
            out += fmt::format("    openflow: controllers {}, fail mode {}{}\n",
                               ctl.empty() ? "none" : ctl, str(bridge, "fail_mode"),
                               bridge.contains("mgmt") ? ", mgmt " + str(bridge, "mgmt") : "");
        }
        const auto& ports = bridge.value("ports", json::array());
        if (ports.empty()) out += "    (no ports)\n";
        for (const auto& port : ports) {
            out += fmt::format("    port {:<15} {:<8} {:<12} offload {}", str(port, "name"),
                               str(port, "status"), vlan_text(port), str(port, "offload"));
            if (port.contains("type")) out += " type " + str(port, "type");
            if (port.contains("ofport")) out += fmt::format(" ofport {}", port["ofport"].dump());
            if (port.contains("corrupt")) out += fmt::format(" corrupt {}", port["corrupt"].dump());
            if (port.value("unsafe_mark_verified", false)) out += " UNSAFE-mark-verified";
            if (port.contains("kernel_fastpath")) {
                out += " fast-path " + str(port, "kernel_fastpath");
                if (port.value("kernel_fastpath_to_peer", false)) out += " (to peer)";
            }
            if (port.contains("tunnel")) {
                const auto& t = port["tunnel"];
                std::string remote = t.value("remote", json()).is_string() ? "flow" : "";
                if (remote.empty()) {
                    for (const auto& r : t.value("remote", json::array()))
                        remote += (remote.empty() ? "" : ",") + r.get<std::string>();
                }
                out += fmt::format(
                    "  {} key {} remote {}", str(port, "type"),
                    t.contains("key") ? (t["key"].is_string() ? "flow" : t["key"].dump()) : "0",
                    remote);
                if (t.contains("local")) out += " local " + str(t, "local");
                if (t.contains("dst_port")) out += " dst_port " + t["dst_port"].dump();
                if (t.value("csum", false)) out += " csum";
                if (port.contains("inner_mtu")) {
                    out += fmt::format(" inner MTU {} (underlay {})", port["inner_mtu"].dump(),
                                       port["underlay_mtu"].dump());
                }
            }
            if (port.contains("attachment")) {
                const auto& a = port["attachment"];
                out += fmt::format("  <-> {} {} {}", str(a, "container"), str(a, "ifname"),
                                   str(a, "address"));
                if (a.contains("gateway")) out += " via " + str(a, "gateway");
            }
            out += "\n";
            if (port.contains("reason"))
                out += fmt::format("        not restored: {}\n", str(port, "reason"));
        }
    }
    return out;
}

std::string render_dump_flows(const json& dump) {
    std::string out;
    for (const auto& line : dump.value("lines", json::array())) {
        out += line.get<std::string>() + "\n";
    }
    return out;
}

std::string render_trace(const json& t) {
    std::string out =
        fmt::format("Bridge: {}\nPacket: {} (in_port {})\nOffload: {}\n\n", str(t, "bridge"),
                    str(t, "packet"), str(t, "in_port"), str(t, "offload"));
    for (const auto& s : t.value("steps", json::array())) {
        const std::string kind = str(s, "kind");
        const std::string indent(4 + 4 * static_cast<std::size_t>(s.value("depth", 0)), ' ');
        if (kind == "lookup") {
            if (s.value("matched", false)) {
                out += fmt::format("{}table {}: {} (cookie {})\n", indent.substr(4),
                                   s["table"].dump(), str(s, "flow"), str(s, "cookie"));
            } else {
                out += fmt::format("{}table {}: no flow matched\n", indent.substr(4),
                                   s["table"].dump());
            }
        } else if (kind == "output") {
            out += fmt::format("{}-> {}{}\n", indent,
                               s.contains("port") ? "output to " + str(s, "port") + ": " : "",
                               str(s, "decision"));
        } else if (kind == "drop") {
            out += fmt::format("{}DROP: {}\n", indent, str(s, "text"));
        } else {
            out += fmt::format("{}{}\n", indent, str(s, "text"));
        }
        if (s.contains("packet"))
            out += fmt::format("{}    packet: {}\n", indent, str(s, "packet"));
        if (s.contains("offload"))
            out += fmt::format("{}    offload: {}\n", indent, str(s, "offload"));
    }
    out += fmt::format("\nMegaflow: {}\n", str(t, "megaflow"));
    return out;
}

std::string render_stats(const json& stats) {
    std::string out;
    for (const auto& bridge : stats.value("bridges", json::array())) {
        out += fmt::format("bridge {}\n", str(bridge, "name"));
        const auto& c = bridge.value("flow_cache", json::object());
        const std::uint64_t found = num(c, "signature_hits") + num(c, "exact_hits") +
                                    num(c, "megaflow_hits"),
                            misses = num(c, "misses");
        if (found + misses != 0) {
            out += fmt::format(
                "    flow cache: {} packets found ({} by header signature, {} exact match, {} "
                "megaflow), {} translated ({} uncacheable); {} megaflows over {} masks, {} "
                "evicted, {} flushes\n",
                found, num(c, "signature_hits"), num(c, "exact_hits"), num(c, "megaflow_hits"),
                misses, num(c, "uncacheable"), num(c, "megaflows"), num(c, "masks"),
                num(c, "evictions"), num(c, "invalidations"));
        }
        for (const auto& p : bridge.value("ports", json::array())) {
            out += fmt::format("    port {} ({})\n", str(p, "name"),
                               p.value("up", false) ? "up" : "down");
            out += fmt::format("        rx {} packets {} bytes   tx {} packets {} bytes\n",
                               num(p, "rx_packets"), num(p, "rx_bytes"), num(p, "tx_packets"),
                               num(p, "tx_bytes"));
            out += fmt::format(
                "        checksums: completed in software {}, verified good {}, verified bad {}",
                num(p, "csum_completed_sw"), num(p, "csum_verified_good"),
                num(p, "csum_verified_bad"));
            if (p.contains("csum_pseudo_seed")) {
                out += fmt::format(" (pseudo-header only {})", num(p, "csum_pseudo_seed"));
            }
            out += "\n";
            out += fmt::format(
                "        super-frames: passed {}, segmented {} into {} segments, re-sized to the "
                "port's MTU {}\n",
                num(p, "gso_passed"), num(p, "gso_segmented"), num(p, "segments_out"),
                num(p, "gso_resized"));
            if (num(p, "corrupted_injected") != 0) {
                out += fmt::format("        corrupted (lab injection): {}\n",
                                   num(p, "corrupted_injected"));
            }
            if (num(p, "unsafe_marked") != 0) {
                out += fmt::format("        UNSAFE: sent marked without a check (lab): {}\n",
                                   num(p, "unsafe_marked"));
            }
            if (p.contains("kernel_fastpath")) {
                const auto& f = p["kernel_fastpath"];
                out += fmt::format(
                    "        kernel fast path ({}): rx {} packets {} bytes   tx {} packets {} "
                    "bytes\n",
                    str(f, "state"), num(f, "rx_packets"), num(f, "rx_bytes"), num(f, "tx_packets"),
                    num(f, "tx_bytes"));
            }
            const auto& driver = p.value("driver", json::object());
            if (!driver.empty()) {
                out += "        driver:";
                for (const auto& [name, count] : driver.items()) {
                    out += fmt::format(" {} {}", name, count.dump());
                }
                out += "\n";
            }
            const auto& drops = p.value("drops", json::object());
            if (drops.empty()) {
                out += "        drops: none\n";
            } else {
                out += "        drops:";
                for (const auto& [reason, count] : drops.items()) {
                    out += fmt::format(" {} {}", reason, count.dump());
                }
                out += "\n";
            }
        }
    }
    if (out.empty()) out = "no bridges\n";
    return out;
}

std::string render_fdb(const json& fdb) {
    std::string out = fmt::format("{:<15} {:>4}  {:<17}  {:>5}\n", "port", "vlan", "mac", "age");
    for (const auto& e : fdb.value("entries", json::array())) {
        out += fmt::format("{:<15} {:>4}  {:<17}  {:>5}\n", str(e, "port"), num(e, "vlan"),
                           str(e, "mac"), num(e, "age"));
    }
    return out;
}

}  // namespace sy::control
