#include "forensics/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sy::forensics {
namespace {

using capture::KernelMark;

// A sighting's checksum state once what the kernel or the switch recorded is taken into
// account: the bytes alone cannot tell a pending offload from a lost one.
enum class Effective : std::uint8_t {
    good,             // good, or UDP/IPv4 zero
    pending,          // partial, and marked for completion (kernel mark or switch metadata)
    partial_unknown,  // partial, nothing recorded about it
    partial_lost,     // partial, and the recorded mark says nobody will complete it
    bad,
    illegal_zero,
    unverifiable,
};

Effective effective(const Sighting& s) {
    const bool marked = s.kmark == KernelMark::csum_notready || s.switch_partial;
    switch (s.state) {
        case CsumState::good:
        case CsumState::zero:
            return Effective::good;
        case CsumState::partial:
            if (marked) return Effective::pending;
            // Recorded, and neither the kernel nor the switch says it will be completed.
            return s.kmark == KernelMark::unknown && !s.switch_recorded ? Effective::partial_unknown
                                                                        : Effective::partial_lost;
        case CsumState::bad:
            // The kernel says the checksum is still to be filled in: whatever is in the field
            // now is not an error (some senders seed differently).
            return marked ? Effective::pending : Effective::bad;
        case CsumState::illegal_zero:
            return Effective::illegal_zero;
        case CsumState::unverifiable:
            return Effective::unverifiable;
    }
    return Effective::unverifiable;
}

bool is_partial(Effective e) {
    return e == Effective::pending || e == Effective::partial_unknown ||
           e == Effective::partial_lost;
}

Basis mark_basis(const Sighting& s) {
    return s.kmark != KernelMark::unknown ? Basis::kernel_mark : Basis::switch_metadata;
}

// Forward (path order) unless the packet demonstrably travelled the other way: a higher
// TTL means closer to the sender; otherwise the majority of pairwise timestamp orders, which
// tolerates one capture clock being slightly off.
void put_in_travel_order(std::vector<std::uint32_t>& order, const std::vector<Sighting>& all) {
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return all[a].point < all[b].point; });
    if (order.size() < 2) return;
    const Sighting& first = all[order.front()];
    const Sighting& last = all[order.back()];
    bool reverse = false;
    if (first.ttl != last.ttl) {
        reverse = first.ttl < last.ttl;
    } else {
        long vote = 0;
        for (std::size_t i = 0; i < order.size(); ++i)
            for (std::size_t j = i + 1; j < order.size(); ++j) {
                const auto ti = all[order[i]].time_ns, tj = all[order[j]].time_ns;
                vote += tj > ti ? 1 : (tj < ti ? -1 : 0);
            }
        reverse = vote < 0;
    }
    if (reverse) std::reverse(order.begin(), order.end());
}

bool header_rewritten(const Sighting& a, const Sighting& b) {
    return a.flow.src != b.flow.src || a.flow.dst != b.flow.dst || a.ttl != b.ttl;
}

}  // namespace

const char* to_string(VerdictStatus s) {
    switch (s) {
        case VerdictStatus::ok:
            return "ok";
        case VerdictStatus::partial_never_completed:
            return "partial_never_completed";
        case VerdictStatus::corrupted:
            return "corrupted";
        case VerdictStatus::rewritten_without_update:
            return "rewritten_without_update";
        case VerdictStatus::bad_at_origin:
            return "bad_at_origin";
        case VerdictStatus::illegal_zero:
            return "illegal_zero";
        case VerdictStatus::unverifiable:
            return "unverifiable";
    }
    return "?";
}

const char* to_string(Basis b) {
    switch (b) {
        case Basis::bytes:
            return "bytes";
        case Basis::kernel_mark:
            return "kernel_mark";
        case Basis::switch_metadata:
            return "switch_metadata";
        case Basis::position:
            return "position";
    }
    return "?";
}

namespace {

Verdict judge_in_order(const std::vector<std::uint32_t>& order, const std::vector<Sighting>& all,
                       const std::vector<std::string>& names) {
    Verdict v;
    // Positions (in `order`) of the sightings that can be checked.
    std::vector<std::int32_t> usable;
    for (std::size_t i = 0; i < order.size(); ++i)
        if (effective(all[order[i]]) != Effective::unverifiable)
            usable.push_back(static_cast<std::int32_t>(i));
    if (usable.empty()) {
        v.status = VerdictStatus::unverifiable;
        v.reason = "no sighting could be verified (cut by snaplen, or a non-first fragment)";
        return v;
    }
    auto at = [&](std::int32_t pos) -> const Sighting& { return all[order[pos]]; };
    auto name = [&](std::int32_t pos) -> const std::string& { return names[at(pos).point]; };
    auto hop = [&](std::int32_t from_pos, std::int32_t to_pos) {
        v.from_point = from_pos < 0 ? kNoPoint : static_cast<std::int32_t>(at(from_pos).point);
        v.to_point = static_cast<std::int32_t>(at(to_pos).point);
    };

    for (std::size_t k = 0; k < usable.size(); ++k) {
        if (effective(at(usable[k])) != Effective::illegal_zero) continue;
        v.status = VerdictStatus::illegal_zero;
        hop(k == 0 ? -1 : usable[k - 1], usable[k]);
        v.reason = fmt::format("UDP over IPv6 with checksum 0 at {} (RFC 8200: receivers drop it)",
                               name(usable[k]));
        return v;
    }

    const std::int32_t p0 = usable.front();
    const Sighting& s0 = at(p0);
    const Effective e0 = effective(s0);
    if (s0.ip_header == HeaderCsum::bad) {
        v.status = VerdictStatus::bad_at_origin;
        v.layer = Layer::ipv4;
        hop(-1, p0);
        v.reason = fmt::format(
            "the IPv4 header checksum is already wrong at its first sighting, {}", name(p0));
        return v;
    }
    if (e0 == Effective::bad) {
        v.status = VerdictStatus::bad_at_origin;
        hop(-1, p0);
        v.reason = fmt::format(
            "the checksum is already wrong at its first sighting, {}, and is "
            "not a TX-offload seed",
            name(p0));
        return v;
    }
    if (e0 == Effective::partial_lost) {
        v.status = VerdictStatus::partial_never_completed;
        v.basis = mark_basis(s0);
        hop(-1, p0);
        v.reason = fmt::format(
            "partial checksum at {} and the recorded mark says nothing will "
            "complete it: the offload metadata was lost before this point",
            name(p0));
        return v;
    }
    v.offload_at_sender = is_partial(e0);

    for (std::size_t k = 1; k < usable.size(); ++k) {
        const std::int32_t pa = usable[k - 1], pb = usable[k];
        const Sighting& a = at(pa);
        const Sighting& b = at(pb);
        if (a.ip_header == HeaderCsum::good && b.ip_header == HeaderCsum::bad) {
            v.layer = Layer::ipv4;
            hop(pa, pb);
            if (header_rewritten(a, b) && a.ip_csum == b.ip_csum) {
                v.status = VerdictStatus::rewritten_without_update;
                v.reason = fmt::format(
                    "IPv4 addresses or TTL rewritten between {} and {}, header "
                    "checksum left unchanged",
                    name(pa), name(pb));
            } else {
                v.status = VerdictStatus::corrupted;
                v.reason = fmt::format(
                    "IPv4 header changed between {} and {} without a matching "
                    "checksum update",
                    name(pa), name(pb));
                v.compare_before = pa;
                v.compare_after = pb;
            }
            return v;
        }
        const Effective eb = effective(b);
        if (eb == Effective::bad) {
            hop(pa, pb);
            if (a.payload_digest != b.payload_digest) {
                v.status = VerdictStatus::corrupted;
                v.reason = fmt::format("payload bytes changed between {} and {}, checksum did not",
                                       name(pa), name(pb));
                v.compare_before = pa;
                v.compare_after = pb;
            } else if (a.flow != b.flow) {
                v.status = VerdictStatus::rewritten_without_update;
                v.reason = a.csum == b.csum ? fmt::format(
                                                  "addresses/ports rewritten between {} and {}, "
                                                  "checksum left unchanged",
                                                  name(pa), name(pb))
                                            : fmt::format(
                                                  "addresses/ports rewritten between {} and {}, "
                                                  "checksum updated wrongly",
                                                  name(pa), name(pb));
            } else {
                v.status = VerdictStatus::corrupted;
                v.reason = fmt::format("headers or checksum field changed between {} and {}",
                                       name(pa), name(pb));
                v.compare_before = pa;
                v.compare_after = pb;
            }
            return v;
        }
        if (eb == Effective::partial_lost) {
            v.status = VerdictStatus::partial_never_completed;
            v.basis = mark_basis(b);
            hop(pa, pb);
            v.reason = fmt::format(
                "still partial at {}, and the {} there says nothing will "
                "complete it: a device between {} and {} dropped the offload "
                "metadata",
                name(pb), v.basis == Basis::kernel_mark ? "kernel mark" : "switch metadata",
                name(pa), name(pb));
            return v;
        }
    }

    const std::int32_t plast = usable.back();
    const Effective elast = effective(at(plast));
    if (elast == Effective::partial_unknown) {
        v.basis = Basis::position;
        v.certain = false;
        if (usable.size() >= 2) {
            const std::int32_t pprev = usable[usable.size() - 2];
            v.status = VerdictStatus::partial_never_completed;
            hop(pprev, plast);
            v.reason = fmt::format(
                "still partial at its last sighting, {}: a device between {} "
                "and {} dropped the offload metadata (inferred from position; "
                "no kernel mark recorded there, so a kernel that still marks it "
                "for completion cannot be ruled out)",
                name(plast), name(pprev), name(plast));
        } else {
            v.reason = fmt::format(
                "partial at its only sighting, {}: TX offload at the sender "
                "(inferred from position; no kernel mark recorded)",
                name(plast));
        }
        return v;
    }
    // Fine end to end. What made it certain: the bytes (a good checksum is proof), or the mark
    // that says a partial checksum where it arrives will still be completed.
    if (elast == Effective::pending) {
        v.basis = mark_basis(at(plast));
        v.reason = fmt::format("partial where it arrives ({}), still marked for completion there",
                               name(plast));
    } else {
        v.reason = v.offload_at_sender ? "TX offload at the sender, completed on the way"
                                       : "checksums correct at every sighting";
    }
    return v;
}

// The outer level of an encapsulated sighting, as a sighting of its own.
Sighting outer_view(const Sighting& s) {
    Sighting o = s;
    o.flow = s.encap.flow;
    o.ttl = s.encap.ttl;
    o.ip_id = s.encap.ip_id;
    o.state = s.encap.state;
    o.csum = s.encap.csum;
    o.ip_header = s.encap.ip_header;
    o.ip_csum = s.encap.ip_csum;
    o.kmark = s.encap.kmark;
    o.payload_digest = s.encap.payload_digest;
    // Switch port metadata describes the frame the switch handled, the inner one.
    o.switch_partial = o.switch_recorded = false;
    o.encap = Encap{};
    return o;
}

}  // namespace

Verdict judge(std::vector<std::uint32_t>& order, const std::vector<Sighting>& all,
              const std::vector<std::string>& names) {
    put_in_travel_order(order, all);
    return judge_in_order(order, all, names);
}

Verdict judge_outer(const std::vector<std::uint32_t>& order, const std::vector<Sighting>& all,
                    const std::vector<std::string>& names) {
    std::vector<Sighting> view;
    std::vector<std::int32_t> position;  // view index -> position in `order`
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (!all[order[i]].encapsulated()) continue;
        view.push_back(outer_view(all[order[i]]));
        position.push_back(static_cast<std::int32_t>(i));
    }
    if (view.empty()) {
        Verdict v;
        v.status = VerdictStatus::unverifiable;
        v.reason = "never seen encapsulated";
        return v;
    }
    std::vector<std::uint32_t> view_order(view.size());
    for (std::uint32_t i = 0; i < view.size(); ++i) view_order[i] = i;
    Verdict v = judge_in_order(view_order, view, names);
    if (v.compare_before >= 0) {
        v.compare_before = position[static_cast<std::size_t>(v.compare_before)];
        v.compare_after = position[static_cast<std::size_t>(v.compare_after)];
    }
    return v;
}

}  // namespace sy::forensics
