#pragma once
// 802.1Q tag push/pop on a packet in place, and the per-port VLAN policy (access, trunk, or
// none). Pushing or popping a tag moves everything after the MAC addresses by 4 bytes, so the
// offload metadata that counts from the start of the frame (partial checksum start, GSO
// header length) moves with it: forgetting that would make the receiver checksum the wrong
// bytes.

#include <bitset>
#include <cstdint>
#include <vector>

#include "packet/packet.hpp"

namespace sy::l2 {

inline constexpr std::uint16_t kTpid8021Q = 0x8100;
inline constexpr std::uint32_t kVlanTagLen = 4;
inline constexpr std::uint32_t kEthHeaderLen = 14;

// The 802.1Q tag right after the MAC addresses, if there is one.
bool has_vlan_tag(const Packet& p);
std::uint16_t vlan_tag_tci(const Packet& p);  // requires has_vlan_tag

// Insert a tag with `tci` after the MAC addresses. False (packet unchanged) without headroom.
bool vlan_push(Packet& p, std::uint16_t tci);
// Remove the outer 802.1Q tag. False (packet unchanged) if there is none.
bool vlan_pop(Packet& p);

enum class VlanMode : std::uint8_t {
    none,    // VLAN-unaware port: frames (tagged or not) belong to VLAN 0, forwarded as is
    access,  // untagged frames belong to access_vlan; tagged frames are refused
    trunk,   // frames must carry a tag for one of the allowed VLANs
};

enum class VlanIngress : std::uint8_t {
    accept,
    drop_tagged_on_access,
    drop_untagged_on_trunk,
    drop_vlan_not_allowed
};

class VlanPolicy {
  public:
    VlanPolicy() = default;  // mode none
    static VlanPolicy access(std::uint16_t vlan);
    static VlanPolicy trunk(const std::vector<std::uint16_t>& vlans);

    VlanMode mode() const { return mode_; }
    std::uint16_t access_vlan() const { return access_vlan_; }
    bool carries(std::uint16_t vlan) const;

    // Classify an arriving frame; on accept, `vlan` is the VLAN it belongs to.
    VlanIngress classify(const Packet& p, std::uint16_t& vlan) const;

  private:
    VlanMode mode_ = VlanMode::none;
    std::uint16_t access_vlan_ = 0;
    std::bitset<4096> trunk_vlans_;
};

}  // namespace sy::l2
