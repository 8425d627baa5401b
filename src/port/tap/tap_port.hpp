#pragma once
// A TAP device. In vnet-header mode it is opened with IFF_VNET_HDR and TUNSETOFFLOAD set to
// CSUM|TSO4|TSO6, so the kernel hands us partial checksums and TCP super-frames with their
// metadata and accepts the same from us. UFO/USO are never advertised: we would have to
// segment them (case 8). Legacy mode: no header, no offloads.
//
// A TAP has no batch read: one read/write system call per frame (readv/writev scatter the
// header and the frame into the pool buffer, so still no copy in user space).

#include <memory>

#include "base/status.hpp"
#include "port/port.hpp"

namespace sy::port {

class TapPort final : public Port {
  public:
    // Creates the device if it does not exist (it then disappears when the port is closed),
    // or attaches to an existing persistent one. Brings the link up.
    static Result<std::unique_ptr<TapPort>> open(const std::string& ifname, bool vnet_hdr);
    ~TapPort() override;

    std::uint32_t rx_burst(PacketPool& pool, PacketBatch& batch) override;
    void tx_burst(PacketBatch& batch) override;
    int poll_fd() const override { return fd_; }

  private:
    TapPort(std::string ifname, offload::PortOffloadCaps caps, int fd, bool vnet_hdr);
    int fd_;
    bool vnet_hdr_;
};

}  // namespace sy::port
