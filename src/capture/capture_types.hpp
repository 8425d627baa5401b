#pragma once
// Vocabulary shared by the capture writer and reader: which way a packet went, what the
// kernel said about its checksum, and the link types we read and write.

#include <cstdint>

namespace sy::capture {

// pcapng EPB flags bits 0-1 (RFC draft-ietf-opsawg-pcapng, "epb_flags").
enum class Direction : std::uint8_t {
    unknown = 0,
    inbound = 1,
    outbound = 2,
};

// The kernel's per-packet checksum mark as AF_PACKET reports it in PACKET_AUXDATA
// (tp_status). `unknown` means nobody recorded it (e.g. a tcpdump capture); `none` means it
// was recorded and neither flag was set.
enum class KernelMark : std::uint8_t {
    unknown,
    none,
    csum_notready,  // TP_STATUS_CSUMNOTREADY: CHECKSUM_PARTIAL, still to be completed
    csum_valid,     // TP_STATUS_CSUM_VALID: already verified by the kernel/device
};

// LINKTYPE_* values as they appear in pcap/pcapng files (not libpcap's DLT_* numbering,
// which differs for raw IP).
enum class LinkType : std::uint16_t {
    ethernet = 1,
    raw = 101,
    linux_sll = 113,
    ipv4 = 228,
    ipv6 = 229,
    linux_sll2 = 276,
};

const char* to_string(Direction d);
const char* to_string(KernelMark m);
const char* to_string(LinkType t);

}  // namespace sy::capture
