#pragma once
// Finds the same packet at every capture point. Identity ignores what a switch may change
// legitimately (MACs, VLAN tags, TTL, addresses and ports under NAT) and uses what it must
// not change: IP ID, TCP seq/ack/flags/timestamp, L4 payload length, and a payload digest.
//
// Points are added in path order, one whole file at a time. A sighting joins the first group
// with the same strong key (weak key + payload digest) not yet seen at this point; failing
// that, the first group with the same weak key (so a packet whose payload was corrupted on
// the way is still found); failing that, it starts a new group. Repeated identical packets
// (retransmissions) therefore pair up in order of appearance.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "forensics/sighting.hpp"

namespace sy::forensics {

struct PacketGroup {
    std::vector<std::uint32_t> sightings;  // indices into Correlator::sightings()
};

class Correlator {
  public:
    void add(const Sighting& s);
    void reserve(std::size_t packets);

    std::vector<Sighting>& sightings() { return sightings_; }
    const std::vector<Sighting>& sightings() const { return sightings_; }
    std::vector<PacketGroup>& groups() { return groups_; }
    const std::vector<PacketGroup>& groups() const { return groups_; }

  private:
    struct Candidates {
        std::vector<std::uint32_t> groups;
        std::uint32_t cursor = 0;  // groups before it already have a sighting at cursor_point
        std::uint32_t cursor_point = 0;
    };
    bool seen_at(std::uint32_t group, std::uint32_t point) const;
    std::int64_t claim(std::unordered_map<std::uint64_t, Candidates>& index, std::uint64_t key,
                       std::uint32_t point);

    std::vector<Sighting> sightings_;
    std::vector<PacketGroup> groups_;
    std::unordered_map<std::uint64_t, Candidates> by_strong_;
    std::unordered_map<std::uint64_t, Candidates> by_weak_;
};

}  // namespace sy::forensics
