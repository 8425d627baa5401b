#pragma once
// Who a packet's buffer belongs to. Ports may own their buffers (a DPDK port's packets stay
// in its mbufs) or take them from the datapath's pool; whoever is done with a packet gives it
// back through release(), so no code assumes one pool.

namespace sy {

struct Packet;

class PacketOwner {
  public:
    // Take back a packet this owner handed out. Called once per packet, on the thread that
    // owns the packet's worker (owners need no locks).
    virtual void release(Packet* p) = 0;

  protected:
    ~PacketOwner() = default;
};

}  // namespace sy
