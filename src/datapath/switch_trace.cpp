// `trace`: what a bridge would do with one frame — the tables and flows the translation
// visits, the program it makes, the packet after every op, and per output port what egress
// preparation would do — without sending anything, learning anything or touching counters.
#include <fmt/core.h>

#include "datapath/switch_core.hpp"
#include "datapath/set_field.hpp"
#include "datapath/trace_describe.hpp"
#include "flow/action_format.hpp"
#include "flow/field_syntax.hpp"
#include "flow/key_extract.hpp"
#include "flow/match_format.hpp"
#include "flow/translate.hpp"
#include "offload/rewrite.hpp"
#include "port/vlan_tag.hpp"

namespace sy::datapath {

namespace {

using flow::OpType;

class BridgeNamer final : public flow::PortNamer {
  public:
    explicit BridgeNamer(const Bridge& br) : br_(br) {}
    std::optional<flow::OfPort> number_of(std::string_view name) const override {
        for (const SwitchPort* sp : br_.ports) {
            if (sp->config.name == name) return sp->ofport;
        }
        return std::nullopt;
    }
    std::optional<std::string> name_of(flow::OfPort n) const override {
        if (const SwitchPort* sp = br_.port_by_ofport(n)) return sp->config.name;
        return std::nullopt;
    }

  private:
    const Bridge& br_;
};

std::string describe_rule(const flow::FlowRule& r, const flow::PortNamer& names) {
    std::string m = flow::format_match(r.match, names, r.priority);
    return fmt::format("{} actions={}", m, flow::format_instructions(r.instructions, names));
}

// Turns translation events into trace steps.
class Collector final : public flow::TraceObserver {
  public:
    explicit Collector(const flow::PortNamer& names) : names_(names) {}
    std::vector<TraceStep> steps;

    void on_event(const flow::TraceEvent& e) override {
        TraceStep s;
        s.depth = e.depth;
        s.table = e.table;
        using K = flow::TraceEvent::Kind;
        switch (e.kind) {
            case K::lookup:
                s.kind = TraceStep::Kind::lookup;
                s.matched = e.rule != nullptr;
                if (e.rule) {
                    s.cookie = e.rule->cookie;
                    s.flow = describe_rule(*e.rule, names_);
                } else {
                    s.text = "no flow matched";
                }
                break;
            case K::action:
                s.kind = TraceStep::Kind::action;
                s.text = e.action ? flow::format_action(*e.action, names_) : "";
                break;
            case K::skipped:
                s.kind = TraceStep::Kind::note;
                s.text = fmt::format("{}: skipped ({})",
                                     e.action ? flow::format_action(*e.action, names_) : "",
                                     e.note);
                break;
            case K::instruction:
                s.kind = TraceStep::Kind::note;
                s.text = e.note;
                break;
            case K::action_set:
                s.kind = TraceStep::Kind::note;
                s.text = "the action set runs";
                break;
            case K::stop:
                s.kind = TraceStep::Kind::drop;
                s.text = fmt::format("the walk stops: {}", flow::to_string(e.drop));
                break;
        }
        steps.push_back(std::move(s));
    }

  private:
    const flow::PortNamer& names_;
};

std::string describe_op(const flow::Op& op, const flow::PortNamer& names) {
    switch (op.type) {
        case OpType::set_field:
            return fmt::format("set_field:{}->{}",
                               flow::format_field_value(op.field, op.value,
                                                        flow::field_all_ones(op.field), names),
                               flow::field_info(op.field).name);
        case OpType::push_vlan:
            return fmt::format("push_vlan:0x{:04x} (tci 0x{:04x})", op.arg,
                               static_cast<unsigned>(op.value));
        case OpType::pop_vlan:
            return "pop_vlan";
        case OpType::dec_ttl:
            return "dec_ttl";
        default:
            return "";
    }
}

}  // namespace

Result<TraceReport> SwitchCore::trace(const std::string& bridge, const TraceRequest& req) {
    RoundLock::Control lk(lock_);
    Bridge* br = registry_.bridge(bridge);
    if (!br) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    SwitchPort* in = br->port_by_ofport(req.in_port);
    if (!in) {
        return Status(Errc::not_found, fmt::format("bridge {} has no port with OpenFlow number {}",
                                                   bridge, req.in_port));
    }
    if (req.frame.size() < 14 || req.frame.size() > kMaxSuperFrame) {
        return Status(Errc::invalid_argument,
                      fmt::format("a frame of {} bytes cannot be traced (14..{})",
                                  req.frame.size(), kMaxSuperFrame));
    }
    BridgeNamer names(*br);
    // Private buffers (lazily backed): segments of a super-frame need up to dozens.
    PacketPool pool(96, kSuperFrameBufferSize);
    Packet* p = pool.alloc();
    std::memcpy(p->data(), req.frame.data(), req.frame.size());
    p->length = static_cast<std::uint32_t>(req.frame.size());
    p->offload = req.offload;
    p->in_port = in->id;

    TraceReport rep;
    rep.packet = describe_packet(*p);
    rep.offload = describe_offload(p->offload);
    flow::FlowKey key;
    flow::extract_key(*p, ensure_parsed(*p), in->ofport, key);
    Collector collector(names);
    flow::TranslateOptions topt;
    topt.observer = &collector;
    const flow::Translation t = flow::translate(*br->flows, key, topt);
    rep.steps = std::move(collector.steps);
    flow::Match mf;
    mf.mask = t.megaflow;
    mf.key = flow::masked(key, t.megaflow);
    rep.megaflow = flow::format_match(mf, names);

    auto note = [&](TraceStep::Kind kind, std::string text) {
        TraceStep s;
        s.kind = kind;
        s.text = std::move(text);
        rep.steps.push_back(std::move(s));
    };
    // What egress preparation does for `out` with a copy of `pkt` (after NORMAL's tagging).
    auto egress = [&](SwitchPort& out, const Packet& pkt, int vlan_change, std::uint16_t vlan) {
        TraceStep s;
        s.kind = TraceStep::Kind::output;
        s.port = out.config.name;
        Packet* c = clone_packet_from(pool, pkt);
        if (!c) {
            s.text = "no buffer to trace this output";
            rep.steps.push_back(std::move(s));
            return;
        }
        std::string tag;
        if (vlan_change < 0 && l2::vlan_pop(*c)) tag = "802.1Q tag popped; ";
        if (vlan_change > 0) {
            tag = l2::vlan_push(*c, vlan) ? fmt::format("802.1Q tag {} pushed; ", vlan)
                                          : "no headroom for the tag; ";
        }
        offload::TxPreparer prep(out.caps, pool);
        const offload::TxCounters before = prep.counters();
        std::array<Packet*, Worker::kMaxSegments> segs{};
        const offload::TxResult r = prep.prepare(*c, segs);
        s.text = tag + describe_egress(before, prep.counters(), r, out.caps);
        if (!out.up) s.text += " (but the port is down)";
        if (r.count > 0) {
            s.packet = describe_packet(*segs[0]);
            s.offload = describe_offload(segs[0]->offload);
        }
        for (std::uint32_t i = 0; i < r.count; ++i) {
            if (segs[i] != c) release(segs[i]);
        }
        release(c);
        rep.steps.push_back(std::move(s));
    };

    if (t.program.count == 0) {
        note(TraceStep::Kind::drop,
             fmt::format("dropped: {}", to_string(flow::ProgramDrop(t.program.drop))));
    }
    for (std::uint8_t i = 0; i < t.program.count; ++i) {
        const flow::Op& op = t.program.ops[i];
        switch (op.type) {
            case OpType::set_field:
            case OpType::push_vlan:
            case OpType::pop_vlan:
            case OpType::dec_ttl: {
                TraceStep s;
                s.kind = TraceStep::Kind::action;
                s.text = "datapath: " + describe_op(op, names);
                bool ok = true;
                if (op.type == OpType::set_field) {
                    ok = apply_set_field(*p, op.field, op.value);
                } else if (op.type == OpType::push_vlan) {
                    ok = port::insert_vlan_tag(*p, op.arg, static_cast<std::uint16_t>(op.value));
                } else if (op.type == OpType::pop_vlan) {
                    l2::vlan_pop(*p);
                } else {
                    ok = offload::decrement_ttl(*p, ensure_parsed(*p)) == offload::RewriteStatus::ok;
                }
                if (!ok) s.text += " (failed: the packet would be dropped, flow_rewrite_failed)";
                s.packet = describe_packet(*p);
                s.offload = describe_offload(p->offload);
                rep.steps.push_back(std::move(s));
                break;
            }
            case OpType::output: {
                SwitchPort* out = br->port_by_ofport(op.port);
                if (!out) {
                    note(TraceStep::Kind::drop,
                         fmt::format("output:{}: no such port (flow_no_port)", op.port));
                } else {
                    egress(*out, *p, 0, 0);
                }
                break;
            }
            case OpType::in_port:
                egress(*in, *p, 0, 0);
                break;
            case OpType::flood:
            case OpType::all:
                for (SwitchPort* sp : br->ports) {
                    if (sp != in) egress(*sp, *p, 0, 0);
                }
                break;
            case OpType::controller:
                note(TraceStep::Kind::output,
                     fmt::format("to the controller: a packet-in of up to {} bytes", op.arg));
                break;
            case OpType::normal: {
                std::uint16_t vlan = 0;
                const l2::VlanIngress vi = in->vlan.classify(*p, vlan);
                if (vi != l2::VlanIngress::accept) {
                    note(TraceStep::Kind::drop,
                         fmt::format("NORMAL: dropped at VLAN admission ({})",
                                     vi == l2::VlanIngress::drop_tagged_on_access
                                         ? "vlan_tagged_on_access"
                                         : vi == l2::VlanIngress::drop_untagged_on_trunk
                                               ? "vlan_untagged_on_trunk"
                                               : "vlan_not_allowed"));
                    break;
                }
                const std::uint8_t* eth = p->data();
                const bool tagged = in->vlan.mode() == l2::VlanMode::trunk;
                auto tag_change = [&](const SwitchPort& out) {
                    const bool want = out.vlan.mode() == l2::VlanMode::trunk;
                    return tagged && !want ? -1 : (!tagged && want ? 1 : 0);
                };
                SwitchPort* dst = nullptr;
                if (!(eth[0] & 1)) dst = registry_.port(br->fdb.lookup(eth, vlan, options_.clock()));
                if (dst == in) {
                    note(TraceStep::Kind::drop, "NORMAL: the destination is behind the ingress "
                                                "port (no_destination)");
                } else if (dst && dst->up && dst->bridge == br) {
                    note(TraceStep::Kind::note,
                         fmt::format("NORMAL: VLAN {}, destination learned on {}", vlan,
                                     dst->config.name));
                    egress(*dst, *p, tag_change(*dst), vlan);
                } else {
                    note(TraceStep::Kind::note,
                         fmt::format("NORMAL: VLAN {}, {}: flooded", vlan,
                                     eth[0] & 1 ? "broadcast/multicast" : "destination unknown"));
                    bool any = false;
                    for (SwitchPort* sp : br->ports) {
                        if (sp == in || !sp->up || !sp->vlan.carries(vlan)) continue;
                        egress(*sp, *p, tag_change(*sp), vlan);
                        any = true;
                    }
                    if (!any) note(TraceStep::Kind::drop, "NORMAL: no other port in the VLAN "
                                                          "(no_destination)");
                }
                break;
            }
        }
    }
    release(p);
    return rep;
}

}  // namespace sy::datapath
