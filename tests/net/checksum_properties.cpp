// Property: any sequence of header rewrites (TTL/hop limit, IPv4/IPv6 addresses, ports),
// each followed by the matching incremental update, leaves
//  - a good checksum equal to a full recomputation,
//  - a bad checksum wrong by exactly the same one's-complement amount,
//  - a CHECKSUM_PARTIAL seed equal to the new pseudo-header sum (ports never touch it),
//  - a UDP/IPv4 "no checksum" zero at zero.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <vector>

#include "base/bytes.hpp"
#include "net/checksum.hpp"
#include "net/checksum_update.hpp"
#include "net/l4_checksum.hpp"
#include "net/parse.hpp"

namespace sy::net {
namespace {

enum class Start { good, bad, seed, udp4_zero };

struct Frame {
    std::vector<std::uint8_t> bytes;
    HeaderLayers layers;
    bool ipv6 = false;
    bool udp = false;
};

// Ethernet + IPv4/IPv6 + TCP/UDP + payload, all fields random, checksums correct.
Frame build(bool ipv6, bool udp, const std::vector<std::uint8_t>& random_bytes,
            std::size_t payload_len) {
    Frame f;
    f.ipv6 = ipv6;
    f.udp = udp;
    const std::size_t l3_len = ipv6 ? 40 : 20;
    const std::size_t l4_len = (udp ? 8 : 20) + payload_len;
    auto& b = f.bytes;
    b.assign(14 + l3_len + l4_len, 0);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = random_bytes[i % random_bytes.size()] ^ i;
    store_be16(&b[12], ipv6 ? 0x86DD : 0x0800);
    std::uint8_t* ip = &b[14];
    const std::uint8_t proto = udp ? kIpProtoUdp : kIpProtoTcp;
    if (ipv6) {
        ip[0] = 0x60;
        store_be16(ip + 4, static_cast<std::uint16_t>(l4_len));
        ip[6] = proto;
    } else {
        ip[0] = 0x45;
        store_be16(ip + 2, static_cast<std::uint16_t>(20 + l4_len));
        store_be16(ip + 6, 0);  // not a fragment
        ip[9] = proto;
    }
    std::uint8_t* l4 = ip + l3_len;
    if (udp) {
        store_be16(l4 + 4, static_cast<std::uint16_t>(l4_len));
    } else {
        l4[12] = 0x50;  // data offset 5
    }
    const auto parsed = parse(b);
    RC_ASSERT(parsed.ok());
    f.layers = parsed.outer;
    RC_ASSERT(write_l4_checksum(b, f.layers));
    if (!ipv6) RC_ASSERT(write_ipv4_header_checksum(b, f.layers));
    return f;
}

std::uint16_t ones_diff(std::uint16_t a, std::uint16_t b) {
    const std::uint16_t d = fold(std::uint32_t{a} + static_cast<std::uint16_t>(~b));
    return d == 0xFFFF ? 0 : d;
}

struct Rewrite {
    int kind;  // 0 TTL, 1 source address, 2 destination address, 3 source port, 4 dest port
    std::vector<std::uint8_t> value;  // 16 random bytes
};

// Apply one rewrite with the incremental updates a datapath would do in state `start`.
void apply(Frame& f, const Rewrite& r, Start start) {
    std::uint8_t* ip = &f.bytes[f.layers.l3];
    std::uint8_t* l4 = &f.bytes[f.layers.l4];
    std::uint8_t* field = l4 + l4_checksum_field_offset(f.layers.ip_proto);
    const bool zero_udp = start == Start::udp4_zero;
    auto l4_update16 = [&](std::uint16_t old_v, std::uint16_t new_v, bool pseudo) {
        if (zero_udp) return;
        if (start == Start::seed) {
            if (pseudo) store_be16(field, seed_update16(load_be16(field), old_v, new_v));
            return;
        }
        std::uint16_t c = csum_update16(load_be16(field), old_v, new_v);
        store_be16(field, f.udp ? udp_wire_checksum(c) : c);
    };
    switch (r.kind) {
        case 0: {
            if (f.ipv6) {
                ip[7] = r.value[0];  // hop limit: covered by no checksum
            } else {
                const std::uint16_t old_word = load_be16(ip + 8);
                ip[8] = r.value[0];
                store_be16(ip + 10, csum_update16(load_be16(ip + 10), old_word, load_be16(ip + 8)));
            }
            break;
        }
        case 1:
        case 2: {
            if (f.ipv6) {
                std::uint8_t* addr = ip + (r.kind == 1 ? 8 : 24);
                std::uint8_t old_addr[16];
                std::copy_n(addr, 16, old_addr);
                std::copy_n(r.value.begin(), 16, addr);
                if (zero_udp) break;
                if (start == Start::seed) {
                    store_be16(field, seed_update128(load_be16(field), old_addr, addr));
                } else {
                    std::uint16_t c = csum_update128(load_be16(field), old_addr, addr);
                    store_be16(field, f.udp ? udp_wire_checksum(c) : c);
                }
            } else {
                std::uint8_t* addr = ip + (r.kind == 1 ? 12 : 16);
                const std::uint32_t old_v = load_be32(addr);
                const std::uint32_t new_v = load_be32(r.value.data());
                store_be32(addr, new_v);
                store_be16(ip + 10, csum_update32(load_be16(ip + 10), old_v, new_v));
                if (zero_udp) break;
                if (start == Start::seed) {
                    store_be16(field, seed_update32(load_be16(field), old_v, new_v));
                } else {
                    std::uint16_t c = csum_update32(load_be16(field), old_v, new_v);
                    store_be16(field, f.udp ? udp_wire_checksum(c) : c);
                }
            }
            break;
        }
        default: {
            std::uint8_t* port = l4 + (r.kind == 3 ? 0 : 2);
            const std::uint16_t old_v = load_be16(port);
            store_be16(port, load_be16(r.value.data()));
            l4_update16(old_v, load_be16(port), /*pseudo=*/false);
            break;
        }
    }
}

Rewrite gen_rewrite() {
    return Rewrite{*rc::gen::inRange(0, 5), *rc::gen::container<std::vector<std::uint8_t>>(
                                                16, rc::gen::arbitrary<std::uint8_t>())};
}

void run_property(Start start) {
    const bool ipv6 = start == Start::udp4_zero ? false : *rc::gen::arbitrary<bool>();
    const bool udp = start == Start::udp4_zero ? true : *rc::gen::arbitrary<bool>();
    const auto seed_bytes =
        *rc::gen::container<std::vector<std::uint8_t>>(64, rc::gen::arbitrary<std::uint8_t>());
    const std::size_t payload_len = *rc::gen::inRange<std::size_t>(0, 300);
    Frame f = build(ipv6, udp, seed_bytes, payload_len);
    std::uint8_t* field = &f.bytes[f.layers.l4 + l4_checksum_field_offset(f.layers.ip_proto)];

    std::uint16_t error = 0;
    if (start == Start::bad) {
        error = *rc::gen::inRange<std::uint16_t>(1, 0xFFFF);  // a non-zero residue
        store_be16(field, fold(std::uint32_t{load_be16(field)} + error));
        if (udp && load_be16(field) == 0) store_be16(field, 0xFFFF);  // 0 would mean "none"
        error = ones_diff(load_be16(field), check_l4_checksum(f.bytes, f.layers).expected);
        RC_PRE(error != 0);
    } else if (start == Start::seed) {
        RC_ASSERT(write_l4_partial_seed(f.bytes, f.layers));
    } else if (start == Start::udp4_zero) {
        store_be16(field, 0);
    }

    const auto rewrites = *rc::gen::container<std::vector<Rewrite>>(rc::gen::exec(gen_rewrite));
    for (const auto& r : rewrites) apply(f, r, start);

    if (!ipv6) RC_ASSERT(ipv4_header_checksum_ok(f.bytes, f.layers));
    const auto check = check_l4_checksum(f.bytes, f.layers);
    switch (start) {
        case Start::good: {
            auto recomputed = f.bytes;
            RC_ASSERT(write_l4_checksum(recomputed, f.layers));
            RC_ASSERT(recomputed == f.bytes);
            RC_ASSERT(check.verdict == L4CsumVerdict::good);
            break;
        }
        case Start::bad:
            RC_ASSERT(ones_diff(check.stored, check.expected) == error);
            break;
        case Start::seed:
            RC_ASSERT(check.stored == fold(l4_pseudo_sum(f.bytes, f.layers)));
            break;
        case Start::udp4_zero:
            RC_ASSERT(check.verdict == L4CsumVerdict::zero_no_checksum);
            break;
    }
}

RC_GTEST_PROP(ChecksumProperties, GoodStaysEqualToRecomputation, ()) {
    run_property(Start::good);
}
RC_GTEST_PROP(ChecksumProperties, BadKeepsItsExactError, ()) {
    run_property(Start::bad);
}
RC_GTEST_PROP(ChecksumProperties, SeedFollowsPseudoHeaderOnly, ()) {
    run_property(Start::seed);
}
RC_GTEST_PROP(ChecksumProperties, Udp4ZeroStaysZero, ()) {
    run_property(Start::udp4_zero);
}

}  // namespace
}  // namespace sy::net
