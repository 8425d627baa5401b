#pragma once
// Block and option codes of the pcapng format we write and read
// (draft-ietf-opsawg-pcapng). Only what Switchyard needs.

#include <cstdint>

namespace sy::capture::pcapng {

inline constexpr std::uint32_t kSectionHeaderBlock = 0x0A0D0D0A;
inline constexpr std::uint32_t kInterfaceDescriptionBlock = 0x00000001;
inline constexpr std::uint32_t kPacketBlockObsolete = 0x00000002;
inline constexpr std::uint32_t kSimplePacketBlock = 0x00000003;
inline constexpr std::uint32_t kEnhancedPacketBlock = 0x00000006;

inline constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;

inline constexpr std::uint16_t kOptEndOfOpt = 0;
inline constexpr std::uint16_t kOptComment = 1;
inline constexpr std::uint16_t kShbUserAppl = 4;
inline constexpr std::uint16_t kIfName = 2;
inline constexpr std::uint16_t kIfTsResol = 9;
inline constexpr std::uint16_t kEpbFlags = 2;

// Blocks are padded to 32 bits.
constexpr std::uint32_t pad4(std::uint32_t n) {
    return (n + 3u) & ~3u;
}

}  // namespace sy::capture::pcapng
