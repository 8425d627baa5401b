#pragma once
// The match part of a flow string: protocol shorthands (ip, tcp6, arp, ...), fields by their
// ovs-fields(7) names and aliases ("nw_dst=10.0.0.0/24"), subfields ("reg0[0..3]=5"), and the
// OpenFlow 1.0 VLAN views (dl_vlan=0xffff: no tag). Prerequisites are checked per the name
// the user wrote, once every token is in, so their order does not matter
// ("tp_dst=80,tcp" is as good as "tcp,tp_dst=80") but "udp,tcp_dst=80" is refused.

#include <optional>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "flow/match.hpp"
#include "flow/ofport.hpp"
#include "flow/syntax_tokens.hpp"

namespace sy::flow {

class MatchParser {
  public:
    explicit MatchParser(const PortNamer& ports) : ports_(ports) {}

    // Takes `kv` if it is a match token. nullopt: it is not one (the caller tries its own
    // keywords, then reports it unknown); otherwise ok, or an error naming the token.
    std::optional<Status> add(const KeyValue& kv);

    // The match, after checking every field's prerequisites against it.
    Result<Match> finish() const;

  private:
    struct Written {
        std::string token;  // as the user wrote it, for the message
        std::string name;   // the field name as written
        int requirement;    // a Prereq, or kIcmpAny
    };
    static constexpr int kIcmpAny = 0x100;  // icmp_type/icmp_code: icmp or icmp6

    Status set_vlan_view(const KeyValue& kv, FieldId field);

    const PortNamer& ports_;
    Match match_;
    std::vector<Written> written_;
};

// Builds the message for a field whose prerequisite `match` lacks, e.g.
// "tp_dst requires tcp, udp or sctp (add tcp,)"; for an action, "... (add tcp, to the match)".
std::string prerequisite_message(std::string_view name, Prereq prereq, const Match& match,
                                 bool in_action = false);

}  // namespace sy::flow
