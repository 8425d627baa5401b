#include "flow/ofport.hpp"

#include <algorithm>
#include <cctype>

namespace sy::flow {
namespace {

struct Reserved {
    OfPort port;
    std::string_view name;
};
constexpr Reserved kReserved[] = {
    {kOfpInPort, "IN_PORT"}, {kOfpTable, "TABLE"}, {kOfpNormal, "NORMAL"},
    {kOfpFlood, "FLOOD"},    {kOfpAll, "ALL"},     {kOfpController, "CONTROLLER"},
    {kOfpLocal, "LOCAL"},    {kOfpAny, "ANY"},
};

}  // namespace

std::optional<std::string_view> reserved_port_name(OfPort port) {
    for (const Reserved& r : kReserved) {
        if (r.port == port) return r.name;
    }
    return std::nullopt;
}

std::optional<OfPort> reserved_port_by_name(std::string_view name) {
    for (const Reserved& r : kReserved) {
        if (r.name.size() == name.size() &&
            std::equal(name.begin(), name.end(), r.name.begin(), [](char a, char b) {
                return std::toupper(static_cast<unsigned char>(a)) == b;
            })) {
            return r.port;
        }
    }
    if (name == "NONE" || name == "none") return kOfpAny;
    return std::nullopt;
}

}  // namespace sy::flow
