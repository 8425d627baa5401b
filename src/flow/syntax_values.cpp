#include "flow/syntax_values.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <cstring>

namespace sy::flow {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Digits of `s` in `base`, at most `max_bits` of value; nullopt on any other character,
// overflow or no digits at all.
std::optional<FieldValue> digits(std::string_view s, unsigned base, unsigned max_bits) {
    if (s.empty()) return std::nullopt;
    FieldValue v = 0;
    const FieldValue limit = max_bits >= 128 ? ~FieldValue{0} : (FieldValue{1} << max_bits) - 1;
    for (char c : s) {
        const int d = hex_digit(c);
        if (d < 0 || static_cast<unsigned>(d) >= base) return std::nullopt;
        if (v > (limit - static_cast<unsigned>(d)) / base) return std::nullopt;
        v = v * base + static_cast<unsigned>(d);
    }
    return v;
}

bool has_hex_prefix(std::string_view s) {
    return s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

}  // namespace

std::optional<FieldValue> parse_field_integer(std::string_view s) {
    if (has_hex_prefix(s)) return digits(s.substr(2), 16, 128);
    return digits(s, 10, 128);
}

std::optional<std::uint64_t> parse_keyword_integer(std::string_view s) {
    std::optional<FieldValue> v;
    if (has_hex_prefix(s)) {
        v = digits(s.substr(2), 16, 64);
    } else if (s.size() > 1 && s[0] == '0') {
        v = digits(s.substr(1), 8, 64);
    } else {
        v = digits(s, 10, 64);
    }
    if (!v) return std::nullopt;
    return static_cast<std::uint64_t>(*v);
}

std::optional<std::uint32_t> parse_ipv4(std::string_view s) {
    std::uint32_t ip = 0;
    for (int part = 0; part < 4; ++part) {
        std::size_t n = 0;
        while (n < s.size() && n < 4 && s[n] >= '0' && s[n] <= '9') ++n;
        if (n == 0 || n > 3) return std::nullopt;
        const auto v = digits(s.substr(0, n), 10, 16);
        if (!v || *v > 255) return std::nullopt;
        ip = ip << 8 | static_cast<std::uint32_t>(*v);
        s.remove_prefix(n);
        if (part < 3) {
            if (s.empty() || s[0] != '.') return std::nullopt;
            s.remove_prefix(1);
        }
    }
    if (!s.empty()) return std::nullopt;
    return ip;
}

std::optional<FieldValue> parse_ipv6(std::string_view s) {
    if (s.empty() || s.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    char buf[INET6_ADDRSTRLEN];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    std::uint8_t bytes[16];
    if (inet_pton(AF_INET6, buf, bytes) != 1) return std::nullopt;
    FieldValue v = 0;
    for (std::uint8_t b : bytes) v = v << 8 | b;
    return v;
}

std::optional<FieldValue> parse_ethernet(std::string_view s) {
    FieldValue mac = 0;
    for (int part = 0; part < 6; ++part) {
        std::size_t n = 0;
        while (n < s.size() && n < 3 && hex_digit(s[n]) >= 0) ++n;
        if (n == 0 || n > 2) return std::nullopt;
        mac = mac << 8 | *digits(s.substr(0, n), 16, 8);
        s.remove_prefix(n);
        if (part < 5) {
            if (s.empty() || s[0] != ':') return std::nullopt;
            s.remove_prefix(1);
        }
    }
    if (!s.empty()) return std::nullopt;
    return mac;
}

std::string ipv4_to_string(std::uint32_t ip) {
    return fmt::format("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
}

std::string ipv6_to_string(FieldValue ip) {
    std::uint8_t bytes[16];
    for (int i = 15; i >= 0; --i) {
        bytes[i] = static_cast<std::uint8_t>(ip);
        ip >>= 8;
    }
    char buf[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, bytes, buf, sizeof buf) == nullptr) return "?";
    return buf;
}

std::string ethernet_to_string(FieldValue mac) {
    const auto m = static_cast<std::uint64_t>(mac);
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", (m >> 40) & 0xff,
                       (m >> 32) & 0xff, (m >> 24) & 0xff, (m >> 16) & 0xff, (m >> 8) & 0xff,
                       m & 0xff);
}

std::string c_hex(std::uint64_t v) {
    return v == 0 ? "0" : fmt::format("{:#x}", v);
}

std::string hex_value(FieldValue v) {
    if (v == 0) return "0";
    const auto hi = static_cast<std::uint64_t>(v >> 64);
    const auto lo = static_cast<std::uint64_t>(v);
    return hi != 0 ? fmt::format("{:#x}{:016x}", hi, lo) : fmt::format("{:#x}", lo);
}

std::optional<int> prefix_length(FieldValue mask, int bits) {
    const FieldValue all = bits >= 128 ? ~FieldValue{0} : (FieldValue{1} << bits) - 1;
    for (int p = 0; p <= bits; ++p) {
        if (mask == (prefix_mask(p, bits) & all)) return p;
    }
    return std::nullopt;
}

FieldValue prefix_mask(int prefix, int bits) {
    if (prefix <= 0) return 0;
    const FieldValue all = bits >= 128 ? ~FieldValue{0} : (FieldValue{1} << bits) - 1;
    if (prefix >= bits) return all;
    return all & ~((FieldValue{1} << (bits - prefix)) - 1);
}

bool is_contiguous(FieldValue mask) {
    if (mask == 0) return false;
    while ((mask & 1) == 0) mask >>= 1;
    return (mask & (mask + 1)) == 0;
}

}  // namespace sy::flow
