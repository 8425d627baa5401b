// The pipeline walk behind translate(): see translate.hpp for the semantics.
#include "flow/translate.hpp"

#include "flow/action_set.hpp"
#include "flow/flow_validation.hpp"

namespace sy::flow {
namespace {

constexpr int kMaxDepth = 64;        // nested resubmits into the same or an earlier table
constexpr int kMaxResubmits = 4096;  // flows run in one walk (OVS: MAX_DEPTH * MAX_DEPTH)
constexpr int kVlanStack = 4;        // tags a push_vlan can hide and a pop_vlan bring back
constexpr std::uint16_t kEthIp = 0x0800, kEthIpv6 = 0x86dd, kEthArp = 0x0806;

FieldValue ones(unsigned bits) {
    return bits >= 128 ? ~FieldValue{0} : (FieldValue{1} << bits) - 1;
}

bool is_vlan_view(FieldId f) {
    return f == FieldId::vlan_tci || f == FieldId::dl_vlan || f == FieldId::dl_vlan_pcp ||
           f == FieldId::vlan_vid || f == FieldId::vlan_pcp;
}

// Fields whose bytes are in the L4 header, absent from later fragments.
bool is_l4(FieldId f) {
    switch (f) {
        case FieldId::tp_src:
        case FieldId::tp_dst:
        case FieldId::tcp_src:
        case FieldId::tcp_dst:
        case FieldId::udp_src:
        case FieldId::udp_dst:
        case FieldId::sctp_src:
        case FieldId::sctp_dst:
        case FieldId::icmp_type:
        case FieldId::icmp_code:
        case FieldId::icmpv6_type:
        case FieldId::icmpv6_code:
            return true;
        default:
            return false;
    }
}

bool prereq_reads_proto(Prereq p) {
    switch (p) {
        case Prereq::l4_ports:
        case Prereq::tcp:
        case Prereq::udp:
        case Prereq::sctp:
        case Prereq::icmpv4:
        case Prereq::icmpv6:
            return true;
        default:
            return false;
    }
}

const FlowMask& exact() {
    static const FlowMask m = exact_mask();
    return m;
}

class Walk {
  public:
    Walk(const FlowTables& tables, const FlowKey& key, TraceObserver* observer, Translation& out)
        : tables_(tables),
          orig_(key),
          key_(key),
          wc_(out.megaflow),
          out_(out),
          observer_(observer) {
        out.program.count = 0;
        out.program.drop = ProgramDrop::none;
        out.program.drop_table = 0;
        out.megaflow = FlowMask{};
        out.n_visits = 0;
        out.cacheable = true;
    }

    void run() {
        const FlowRule* first = lookup(0, key_.in_port);
        if (first == nullptr) {
            miss(0);
        } else {
            run_rule(*first, 0, false);
            rule_ = first;  // what a packet-in from the action set reports (as OVS)
            if (!stopped_) run_action_set();
        }
        finish();
    }

  private:
    // ---- events and bookkeeping ----
    void event(TraceEvent::Kind kind, const Action* a = nullptr, const char* note = "") {
        if (observer_ == nullptr) return;
        TraceEvent e{kind};
        e.depth = depth_;
        e.table = table_;
        e.rule = rule_;
        e.action = a;
        e.key = &key_;
        e.note = note;
        e.drop = reason_;
        observer_->on_event(e);
    }
    void stop(ProgramDrop why) {
        if (stopped_) return;
        stopped_ = true;
        reason_ = why;
        event(TraceEvent::Kind::stop);
    }
    // A walk that went wrong sends nothing at all, whatever it had emitted.
    void fail(ProgramDrop why) {
        error_ = true;
        stop(why);
    }
    void miss(std::uint8_t table) {
        out_.program.drop_table = table;
        stop(ProgramDrop::no_match);
    }
    void emit(const Op& op) {
        if (!out_.program.push(op)) fail(ProgramDrop::too_many_ops);
    }
    // The megaflow gains these bits of `field` (in the field's own value coordinates).
    void mark(FieldId field, FieldValue bits) { set_field(wc_, field, bits, bits); }
    void mark(FieldId field) { mark(field, field_all_ones(field)); }

    // ---- tables ----
    const FlowRule* lookup(std::uint8_t table, std::uint32_t as_in_port) {
        const std::uint32_t real = key_.in_port;
        key_.in_port = as_in_port;  // resubmit(port,...) looks up as if from `port`, only
        const FlowRule* r = tables_.lookup(table, key_, wc_);
        if (observer_ != nullptr) {
            const std::uint8_t t = table_;
            const FlowRule* cur = rule_;
            table_ = table;
            rule_ = r;
            event(TraceEvent::Kind::lookup);
            table_ = t;
            rule_ = cur;
        }
        key_.in_port = real;
        if (out_.n_visits < Translation::kMaxVisits) {
            out_.visits[out_.n_visits++] = Visit{r, table};
        } else {
            out_.cacheable = false;
        }
        return r;
    }

    // resubmit, goto_table and output:TABLE.
    void table_action(std::uint8_t table, std::uint32_t as_in_port, bool is_goto) {
        if (depth_ >= kMaxDepth || resubmits_ >= kMaxResubmits) {
            fail(ProgramDrop::too_many_resubmits);
            return;
        }
        const FlowRule* r = lookup(table, as_in_port);
        if (r != nullptr) {
            run_rule(*r, table, !is_goto && table <= table_);
        } else if (is_goto) {
            miss(table);
        }
    }

    void run_rule(const FlowRule& rule, std::uint8_t table, bool deepens) {
        ++resubmits_;
        depth_ += deepens ? 1 : 0;
        const std::uint8_t saved_table = table_;
        const FlowRule* saved_rule = rule_;
        table_ = table;
        rule_ = &rule;
        const Instructions& ins = rule.instructions;
        for (const Action& a : ins.apply) {
            if (stopped_) break;
            run_action(a);
        }
        if (!stopped_ && ins.clear_actions) {
            action_set_.clear();
            event(TraceEvent::Kind::instruction, nullptr, "clear_actions");
        }
        if (!stopped_ && ins.write_actions) {
            if (!action_set_.write(*ins.write_actions)) fail(ProgramDrop::too_many_ops);
            event(TraceEvent::Kind::instruction, nullptr, "write_actions");
        }
        if (!stopped_ && ins.write_metadata) {
            const WriteMetadata& w = *ins.write_metadata;
            key_.metadata = (key_.metadata & ~w.mask) | (w.value & w.mask);
            event(TraceEvent::Kind::instruction, nullptr, "write_metadata");
        }
        if (!stopped_ && ins.goto_table) {
            event(TraceEvent::Kind::instruction, nullptr, "goto_table");
            table_action(*ins.goto_table, key_.in_port, true);
        }
        table_ = saved_table;
        rule_ = saved_rule;
        depth_ -= deepens ? 1 : 0;
    }

    void run_action_set() {
        if (action_set_.empty()) return;
        event(TraceEvent::Kind::action_set);
        // Writes made while the set runs (by a final resubmit's flows) are not run: the set
        // runs once, as in OVS.
        const ActionSet set = action_set_;
        action_set_.clear();
        set.for_each_in_order([&](const Action& a) {
            if (!stopped_) run_action(a);
        });
    }

    void finish() {
        Program& p = out_.program;
        if (error_) {
            p.count = 0;
        } else {
            while (p.count > 0 && !is_output(p.ops[p.count - 1].type)) --p.count;
        }
        if (p.count == 0) {
            p.drop = stopped_ ? reason_ : ProgramDrop::actions_drop;
        }
        if (p.drop != ProgramDrop::no_match) p.drop_table = 0;
    }

    // ---- actions ----
    void run_action(const Action& a) {
        switch (a.type) {
            case ActionType::output:
                output(a);
                break;
            case ActionType::controller:
                controller(a.max_len);
                break;
            case ActionType::resubmit:
                table_action(a.table == 0xff ? table_ : a.table,
                             a.port == kOfpInPort ? key_.in_port : a.port, false);
                return;  // the flows it ran reported their own steps
            case ActionType::set_field:
                set(a);
                break;
            case ActionType::move:
                move(a);
                break;
            case ActionType::push_vlan:
                push_vlan(a.ethertype);
                break;
            case ActionType::pop_vlan:
                pop_vlan(a);
                break;
            case ActionType::mod_vlan_vid:
                vlan_write(FieldId::dl_vlan, a.value, 0xfff);
                break;
            case ActionType::mod_vlan_pcp:
                vlan_write(FieldId::dl_vlan_pcp, a.value, 0x7);
                break;
            case ActionType::dec_ttl:
                dec_ttl(a);
                break;
        }
        if (!stopped_ && !skipped_) event(TraceEvent::Kind::action, &a);
        skipped_ = false;
    }
    void skip(const Action& a, const char* why) {
        skipped_ = true;
        event(TraceEvent::Kind::skipped, &a, why);
    }

    void output(const Action& a) {
        Op op;
        switch (a.port) {
            case kOfpInPort:
                if (in_port_changed_) {
                    mark(FieldId::in_port);
                    if (key_.in_port != orig_.in_port) {
                        op.type = OpType::output;
                        op.port = key_.in_port;
                        emit(op);
                        return;
                    }
                }
                op.type = OpType::in_port;
                emit(op);
                return;
            case kOfpTable:
                table_action(0, key_.in_port, false);
                return;
            case kOfpNormal:
                op.type = OpType::normal;
                emit(op);
                return;
            case kOfpFlood:
                op.type = OpType::flood;
                emit(op);
                return;
            case kOfpAll:
                op.type = OpType::all;
                emit(op);
                return;
            case kOfpController:
                controller(0xffff);
                return;
            case kOfpAny:
                return;
            default:
                mark(FieldId::in_port);
                if (a.port == key_.in_port) {
                    skip(a, "output to the ingress port (use IN_PORT)");
                    return;
                }
                if (in_port_changed_ && a.port == orig_.in_port) {
                    op.type = OpType::in_port;  // in_port was rewritten; this is the real one
                } else {
                    op.type = OpType::output;
                    op.port = a.port;
                }
                emit(op);
                return;
        }
    }

    void controller(std::uint16_t max_len) {
        Op op;
        op.type = OpType::controller;
        op.table = table_;
        // A table-miss flow (priority 0, matching everything) reports OFPR_NO_MATCH, as
        // OpenFlow 1.3 says (OF 1.3.5 5.4); any other flow OFPR_ACTION.
        const bool table_miss =
            rule_ != nullptr && rule_->priority == 0 && rule_->match.mask == FlowMask{};
        op.reason = table_miss ? PacketInReason::no_match : PacketInReason::action;
        op.arg = max_len;
        op.cookie = rule_ != nullptr ? rule_->cookie : 0;
        emit(op);
    }

    // Does the packet (as it is now) have `field`? Reads dl_type / nw_proto / nw_frag, so
    // the megaflow records them.
    bool packet_has(FieldId field) {
        const Prereq p = field_info(field).prereq;
        if (p == Prereq::none) return true;
        mark(FieldId::dl_type);
        if (prereq_reads_proto(p)) mark(FieldId::nw_proto);
        if (!prereq_met(p, key_, exact())) return false;
        if (is_l4(field)) {
            mark(FieldId::nw_frag, kFragLater);
            if (key_.nw_frag & kFragLater) return false;
        }
        return true;
    }

    // The field an op names for a write to `field` (see translate.hpp).
    FieldId canonical(FieldId field) const {
        switch (field) {
            case FieldId::tcp_src:
            case FieldId::udp_src:
            case FieldId::sctp_src:
                return FieldId::tp_src;
            case FieldId::tcp_dst:
            case FieldId::udp_dst:
            case FieldId::sctp_dst:
                return FieldId::tp_dst;
            case FieldId::ip_dscp:
                return FieldId::nw_tos;
            case FieldId::nw_src:  // dl_type is in the megaflow: packet_has() read it
                return key_.dl_type == kEthArp ? FieldId::arp_spa : FieldId::nw_src;
            case FieldId::nw_dst:
                return key_.dl_type == kEthArp ? FieldId::arp_tpa : FieldId::nw_dst;
            default:
                return field;
        }
    }

    // A set_field op with the field's current value; merges into an earlier op on the same
    // field when only set_field ops lie between (they touch other bytes, so order among
    // them does not matter), and a VLAN TCI into the push_vlan that made the tag.
    void emit_set(FieldId field) {
        const FieldValue value = get_field(key_, field);
        Program& p = out_.program;
        for (std::size_t i = p.count; i-- > 0;) {
            Op& prev = p.ops[i];
            if (prev.type == OpType::set_field && prev.field == field) {
                prev.value = value;
                return;
            }
            if (prev.type == OpType::push_vlan && field == FieldId::vlan_tci) {
                prev.value = value;
                return;
            }
            if (prev.type != OpType::set_field) break;
        }
        Op op;
        op.type = OpType::set_field;
        op.field = field;
        op.value = value;
        emit(op);
    }

    void set(const Action& a) {
        const FieldInfo& f = field_info(a.field);
        if (!f.packet_field) {  // registers, metadata, in_port: only the key
            set_field(key_, a.field, a.value, a.mask);
            if (a.field == FieldId::in_port) in_port_changed_ = true;
            return;
        }
        if (!packet_has(a.field)) {
            skip(a, "the packet lacks the field's prerequisite");
            return;
        }
        if (is_vlan_view(a.field)) {
            vlan_write(a.field, a.value, a.mask, &a);
            return;
        }
        const FieldValue all = field_all_ones(a.field);
        if ((a.mask & all) != all) mark(a.field, all & ~a.mask);  // the bits it keeps
        set_field(key_, a.field, a.value, a.mask);
        emit_set(canonical(a.field));
    }

    void move(const Action& a) {
        if (!packet_has(a.src.field) || !packet_has(a.dst.field)) {
            skip(a, "the packet lacks a prerequisite of the source or destination");
            return;
        }
        const unsigned n = subfield_bits(a.src);
        const FieldValue v = (get_field(key_, a.src.field) >> a.src.ofs) & ones(n);
        mark(a.src.field, ones(n) << a.src.ofs);
        const FieldValue dbits = ones(n) << a.dst.ofs;
        const FieldId dst = a.dst.field;
        if (is_vlan_view(dst)) {
            vlan_write(dst, v << a.dst.ofs, dbits, &a);
            return;
        }
        const bool packet = field_info(dst).packet_field;
        if (packet) mark(dst, field_all_ones(dst) & ~dbits);
        set_field(key_, dst, v << a.dst.ofs, dbits);
        if (dst == FieldId::in_port) in_port_changed_ = true;
        if (packet) emit_set(canonical(dst));
    }

    // Any write to a VLAN view. OVS's rules: dl_vlan and dl_vlan_pcp (and mod_vlan_vid /
    // mod_vlan_pcp) make the packet tagged if it was not; vlan_pcp needs a tag; vlan_vid and
    // vlan_tci set the present bit as their value says.
    void vlan_write(FieldId view, FieldValue value, FieldValue mask,
                    const Action* action = nullptr) {
        mark(FieldId::vlan_tci);
        const std::uint16_t old = key_.vlan_tci;
        if (view == FieldId::vlan_pcp && !(old & kVlanPresent)) {
            if (action != nullptr) skip(*action, "vlan_pcp needs a VLAN tag");
            return;
        }
        set_field(key_, view, value, mask);
        if (view == FieldId::dl_vlan || view == FieldId::dl_vlan_pcp) key_.vlan_tci |= kVlanPresent;
        const bool was = old & kVlanPresent, is = key_.vlan_tci & kVlanPresent;
        Op op;
        if (!was && is) {
            op.type = OpType::push_vlan;
            op.arg = 0x8100;
            op.value = key_.vlan_tci;
            emit(op);
        } else if (was && !is) {
            op.type = OpType::pop_vlan;
            emit(op);
        } else if (was && is && old != key_.vlan_tci) {
            emit_set(FieldId::vlan_tci);
        }
    }

    void push_vlan(std::uint16_t ethertype) {
        mark(FieldId::vlan_tci);
        if (key_.vlan_tci & kVlanPresent) {
            if (n_hidden_ == kVlanStack) {  // keep the innermost few
                for (int i = 1; i < kVlanStack; ++i) hidden_[i - 1] = hidden_[i];
                --n_hidden_;
            }
            hidden_[n_hidden_++] = key_.vlan_tci;
        }
        key_.vlan_tci = kVlanPresent;  // VID 0, PCP 0 (OVS; the spec would copy the outer)
        Op op;
        op.type = OpType::push_vlan;
        op.arg = ethertype;
        op.value = key_.vlan_tci;
        emit(op);
    }

    void pop_vlan(const Action& a) {
        mark(FieldId::vlan_tci);
        if (!(key_.vlan_tci & kVlanPresent)) {
            skip(a, "the packet has no VLAN tag");
            return;
        }
        // The key knows only the outer tag: after popping the one it came with, the packet
        // counts as untagged (a second tag of a QinQ frame is not in the key).
        key_.vlan_tci = n_hidden_ > 0 ? hidden_[--n_hidden_] : 0;
        Op op;
        op.type = OpType::pop_vlan;
        emit(op);
    }

    void dec_ttl(const Action& a) {
        mark(FieldId::dl_type);
        if (key_.dl_type != kEthIp && key_.dl_type != kEthIpv6) {
            skip(a, "not an IP packet");
            return;
        }
        mark(FieldId::nw_ttl);
        if (key_.nw_ttl <= 1) {
            stop(ProgramDrop::ttl_expired);
            return;
        }
        --key_.nw_ttl;
        Op op;
        op.type = OpType::dec_ttl;
        emit(op);
    }

    const FlowTables& tables_;
    const FlowKey orig_;
    FlowKey key_;
    FlowMask& wc_;
    Translation& out_;
    TraceObserver* observer_;
    ActionSet action_set_;
    std::uint8_t table_ = 0;
    const FlowRule* rule_ = nullptr;
    int depth_ = 0;
    int resubmits_ = 0;
    bool stopped_ = false;
    bool error_ = false;
    bool skipped_ = false;
    bool in_port_changed_ = false;
    ProgramDrop reason_ = ProgramDrop::none;
    std::uint16_t hidden_[kVlanStack] = {};
    int n_hidden_ = 0;
};

}  // namespace

void translate(const FlowTables& tables, const FlowKey& key, const TranslateOptions& options,
               Translation& out) {
    Walk walk(tables, key, options.observer, out);
    walk.run();
}

}  // namespace sy::flow
