#pragma once
// OpenFlow port numbers (OpenFlow 1.3, 32 bits). Every switch port gets a stable number per
// bridge (1, 2, ...; kept across restarts); the reserved numbers name the ports a flow can
// output to without naming one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sy::flow {

using OfPort = std::uint32_t;

inline constexpr OfPort kOfpMax = 0xffffff00;         // largest number of a real port
inline constexpr OfPort kOfpInPort = 0xfffffff8;      // IN_PORT: back where it came from
inline constexpr OfPort kOfpTable = 0xfffffff9;       // TABLE: run the pipeline (packet-out)
inline constexpr OfPort kOfpNormal = 0xfffffffa;      // NORMAL: the learning bridge
inline constexpr OfPort kOfpFlood = 0xfffffffb;       // FLOOD: every port but the ingress
inline constexpr OfPort kOfpAll = 0xfffffffc;         // ALL: the same (no STP here)
inline constexpr OfPort kOfpController = 0xfffffffd;  // CONTROLLER: a packet-in
inline constexpr OfPort kOfpLocal = 0xfffffffe;       // LOCAL: the bridge's own port
inline constexpr OfPort kOfpAny = 0xffffffff;         // ANY / NONE: wildcard in filters

// "IN_PORT", "NORMAL", ... for reserved numbers; nullopt for real ports.
std::optional<std::string_view> reserved_port_name(OfPort port);
// The reserved number named `name` (case-insensitive, as ovs-ofctl accepts), if any.
std::optional<OfPort> reserved_port_by_name(std::string_view name);

// Port names <-> numbers of one bridge, for parsing and printing flows ("output:web0").
class PortNamer {
  public:
    virtual ~PortNamer() = default;
    virtual std::optional<OfPort> number_of(std::string_view name) const = 0;
    virtual std::optional<std::string> name_of(OfPort number) const = 0;
};

// A namer that knows no names (numbers only).
class NoPortNames final : public PortNamer {
  public:
    std::optional<OfPort> number_of(std::string_view) const override { return std::nullopt; }
    std::optional<std::string> name_of(OfPort) const override { return std::nullopt; }
};

}  // namespace sy::flow
