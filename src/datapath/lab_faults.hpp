#pragma once
// Lab-only fault injection (PortConfig::corrupt_fraction): flip one bit of the TCP/UDP payload
// of a fraction of the packets a port receives, AFTER ingress, as a bad cable or a buggy
// middlebox would. The checksum field is never touched, so an honest receiver detects the
// damage. A partial checksum is finished first (otherwise the egress would compute it over
// the damaged bytes and "bless" them), and the packet's state drops to `none`: a corrupted
// packet is never marked verified.

#include <cstdint>

#include "packet/packet.hpp"

namespace sy::datapath {

class PayloadCorrupter {
  public:
    // fraction in [0, 1]; seed makes runs reproducible.
    explicit PayloadCorrupter(double fraction = 0.0, std::uint64_t seed = 0x5eed);
    bool enabled() const { return threshold_ != 0; }

    // Maybe corrupt `p`. True if a bit was flipped. Super-frames, fragments, UDP without a
    // checksum and packets without payload are left alone (no checksum would catch it).
    bool maybe_corrupt(Packet& p);

  private:
    std::uint64_t next();
    std::uint64_t threshold_;  // corrupt when next() < threshold_
    bool always_ = false;
    std::uint64_t state_;
};

// Lab-only, UNSAFE (PortConfig::unsafe_mark_verified): make the receiver skip checking an
// unchecked (`none`) packet, as pre-3.14 veth did. On a port that carries partial checksums,
// a TCP/UDP packet (not a fragment, not a super-frame) becomes `partial` at its L4 header with
// its bytes untouched: the kernel trusts CHECKSUM_PARTIAL on local delivery, and ignores
// DATA_VALID on packet socket transmit. Anything else becomes `verified`. True if marked.
bool mark_unsafely(Packet& p, bool port_takes_partial);

}  // namespace sy::datapath
