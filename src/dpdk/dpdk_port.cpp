#include "dpdk/dpdk_port.hpp"

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>

#include "dpdk/eal.hpp"
#include "dpdk/mbuf_packet.hpp"
#include "dpdk/offload_map.hpp"

namespace sy::dpdk {

MbufOwner& mbuf_owner() {
    static MbufOwner owner;
    return owner;
}

namespace {

constexpr std::uint16_t kBurst = PacketBatch::kCapacity;

// A poll thread is not an EAL thread: registering it gives it an lcore id, and with it the
// pools' per-lcore caches (no ring operation per mbuf). Once per thread; failure only costs
// speed (mbufs then go through the pool's ring).
void register_poll_thread() {
    thread_local bool registered = false;
    if (registered) return;
    registered = true;
    if (::rte_lcore_id() == LCORE_ID_ANY) (void)::rte_thread_register();
}

// The copy a frame from a kernel port (or a multi-segment chain) needs: into as many mbufs
// of `pool` as it takes, chained. nullptr if the pool ran dry or `chain` is not allowed and
// one mbuf is too small.
rte_mbuf* copy_to_mbufs(rte_mempool* pool, const std::uint8_t* data, std::uint32_t length,
                        bool chain) {
    rte_mbuf* head = ::rte_pktmbuf_alloc(pool);
    if (head == nullptr) return nullptr;
    rte_mbuf* tail = head;
    std::uint32_t done = 0;
    while (true) {
        const std::uint32_t room = ::rte_pktmbuf_tailroom(tail);
        const std::uint32_t n = std::min(room, length - done);
        std::memcpy(rte_pktmbuf_mtod(tail, std::uint8_t*), data + done, n);
        tail->data_len = static_cast<std::uint16_t>(n);
        done += n;
        if (done == length) break;
        rte_mbuf* next = chain ? ::rte_pktmbuf_alloc(pool) : nullptr;
        if (next == nullptr || head->nb_segs == 0xFFFF) {
            ::rte_pktmbuf_free(next);
            ::rte_pktmbuf_free(head);
            return nullptr;
        }
        next->data_off = 0;  // only the first segment needs headroom
        tail->next = next;
        tail = next;
        ++head->nb_segs;
    }
    head->pkt_len = length;
    return head;
}

class DpdkPort final : public port::Port {
  public:
    DpdkPort(const DpdkPortOptions& o, offload::PortOffloadCaps caps, std::uint16_t port_id,
             rte_mempool* pool, rte_device* device, DeviceTxOffloads tx)
        : Port(o.name, caps),
          port_id_(port_id),
          rx_queues_(o.rx_queues),
          pool_(pool),
          device_(device),
          tx_(tx) {}

    ~DpdkPort() override {
        ::rte_eth_dev_stop(port_id_);
        ::rte_eth_dev_close(port_id_);
        if (device_ != nullptr) (void)::rte_dev_remove(device_);
        // Mbufs of this pool may still sit in another device's queue (a net_ring peer, a TX
        // ring not yet cleaned): the pool outlives the port unless every mbuf is home.
        if (::rte_mempool_in_use_count(pool_) == 0) ::rte_mempool_free(pool_);
    }

    std::uint32_t rx_burst(PacketPool& pool, PacketBatch& batch) override {
        register_poll_thread();
        std::uint32_t added = 0;
        for (std::uint16_t q = 0; q < rx_queues_ && !batch.full(); ++q) {
            rte_mbuf* mbufs[kBurst];
            const auto want = static_cast<std::uint16_t>(PacketBatch::kCapacity - batch.count);
            const std::uint16_t n = ::rte_eth_rx_burst(port_id_, q, mbufs, want);
            for (std::uint16_t i = 0; i < n; ++i) {
                Packet* p = receive_one(pool, mbufs[i]);
                if (p == nullptr) continue;
                batch.push(p);
                ++added;
            }
        }
        return added;
    }

    void tx_burst(PacketBatch& batch) override {
        register_poll_thread();
        rte_mbuf* out[kBurst];
        std::uint16_t k = 0;
        for (Packet* p : batch) {
            rte_mbuf* m = to_mbuf(p);
            if (m == nullptr) continue;
            out[k++] = m;
        }
        batch.clear();
        if (k == 0) return;
        const std::uint16_t sent = ::rte_eth_tx_burst(port_id_, 0, out, k);
        for (std::uint16_t i = 0; i < sent; ++i) {
            ++counters_.tx_packets;
            counters_.tx_bytes += out[i]->pkt_len;
        }
        if (sent < k) {
            counters_.drop(port::PortDrop::tx_queue_full, k - sent);
            ::rte_pktmbuf_free_bulk(out + sent, k - sent);
        }
    }

    int poll_fd() const override { return -1; }
    bool needs_busy_poll() const override { return true; }

    void driver_stats(port::DriverStats& out) const override {
        out.emplace_back("sy_rx_csum_good", rx_good_);
        out.emplace_back("sy_rx_csum_bad", rx_bad_);
        out.emplace_back("sy_rx_csum_ip_bad", rx_ip_bad_);
        out.emplace_back("sy_rx_csum_partial", rx_partial_);
        out.emplace_back("sy_rx_csum_unknown", rx_unknown_);
        out.emplace_back("sy_rx_linearized", rx_linearized_);
        out.emplace_back("sy_tx_zero_copy", tx_zero_copy_);
        out.emplace_back("sy_tx_copied", tx_copied_);
        out.emplace_back("sy_tx_csum_offloaded", tx_csum_offloaded_);
        out.emplace_back("sy_tx_tso_offloaded", tx_tso_offloaded_);
        rte_eth_stats s{};
        if (::rte_eth_stats_get(port_id_, &s) == 0) {
            out.emplace_back("ipackets", s.ipackets);
            out.emplace_back("opackets", s.opackets);
            out.emplace_back("ibytes", s.ibytes);
            out.emplace_back("obytes", s.obytes);
            out.emplace_back("imissed", s.imissed);
            out.emplace_back("ierrors", s.ierrors);
            out.emplace_back("oerrors", s.oerrors);
            out.emplace_back("rx_nombuf", s.rx_nombuf);
        }
        const int n = ::rte_eth_xstats_get(port_id_, nullptr, 0);
        if (n <= 0) return;
        std::vector<rte_eth_xstat> values(static_cast<std::size_t>(n));
        std::vector<rte_eth_xstat_name> names(static_cast<std::size_t>(n));
        if (::rte_eth_xstats_get(port_id_, values.data(), n) != n ||
            ::rte_eth_xstats_get_names(port_id_, names.data(), n) != n)
            return;
        for (const rte_eth_xstat& x : values) {
            if (x.value != 0 && x.id < names.size())
                out.emplace_back(fmt::format("xstat_{}", names[x.id].name), x.value);
        }
    }

  private:
    // One received mbuf as a packet: in place when it is one segment, else copied into a
    // buffer of the poll thread's pool (super-frames from a vhost guest arrive chained).
    Packet* receive_one(PacketPool& pool, rte_mbuf* m) {
        Packet* p;
        if (m->nb_segs == 1) {
            p = wrap_mbuf(m);
        } else {
            p = pool.alloc();
            if (p == nullptr || m->pkt_len > p->tailroom()) {
                counters_.drop(p ? port::PortDrop::rx_truncated : port::PortDrop::rx_no_buffer);
                if (p) pool.free(p);
                ::rte_pktmbuf_free(m);
                return nullptr;
            }
            const void* bytes = ::rte_pktmbuf_read(m, 0, m->pkt_len, p->data());
            if (bytes != p->data()) std::memcpy(p->data(), bytes, m->pkt_len);
            p->length = m->pkt_len;
            ++rx_linearized_;
        }
        switch (rx_offload_from_mbuf(m, *p)) {
            case RxCsumVerdict::good:
                ++rx_good_;
                break;
            case RxCsumVerdict::bad:
                ++rx_bad_;
                break;
            case RxCsumVerdict::ip_bad:
                ++rx_ip_bad_;
                break;
            case RxCsumVerdict::partial:
                ++rx_partial_;
                break;
            case RxCsumVerdict::unknown:
                ++rx_unknown_;
                break;
        }
        if (!is_mbuf_packet(p)) ::rte_pktmbuf_free(m);  // the copy is all that is left
        ++counters_.rx_packets;
        counters_.rx_bytes += p->length;
        return p;
    }

    // The mbuf to send for `p` (its own, or a copy), offload flags set; nullptr when dropped
    // (counted, and p given back).
    rte_mbuf* to_mbuf(Packet* p) {
        rte_mbuf* m;
        const bool own = is_mbuf_packet(p) && mbuf_of(p)->nb_segs == 1;
        if (own) {
            m = mbuf_of(p);
            sync_mbuf(p, m);
        } else {
            m = copy_to_mbufs(pool_, p->data(), p->length, tx_.multi_segs);
            if (m == nullptr) {
                const std::uint32_t room =
                    ::rte_pktmbuf_data_room_size(pool_) - std::uint32_t{RTE_PKTMBUF_HEADROOM};
                counters_.drop(room < p->length && !tx_.multi_segs
                                   ? port::PortDrop::tx_too_big
                                   : port::PortDrop::tx_no_buffer);
                release(p);
                return nullptr;
            }
        }
        // Offsets and flags come from p (which still describes the frame, even when copied).
        if (!tx_offload_to_mbuf(*p, m, tx_)) {
            counters_.drop(port::PortDrop::tx_bad_offload);
            ::rte_pktmbuf_free(m);     // when own, p lived in m: gone with it
            if (!own) release(p);
            return nullptr;
        }
        if (own) ++tx_zero_copy_;
        if (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG)
            ++tx_tso_offloaded_;
        else if (m->ol_flags & RTE_MBUF_F_TX_L4_MASK)
            ++tx_csum_offloaded_;
        if (!own) {
            // The copy's checksum field was prepared on the mbuf: p's bytes are unchanged.
            release(p);
            ++tx_copied_;
        }
        return m;
    }

    std::uint16_t port_id_;
    std::uint16_t rx_queues_;
    rte_mempool* pool_;
    rte_device* device_;
    DeviceTxOffloads tx_;
    std::uint64_t rx_good_ = 0, rx_bad_ = 0, rx_ip_bad_ = 0, rx_partial_ = 0, rx_unknown_ = 0;
    std::uint64_t rx_linearized_ = 0, tx_zero_copy_ = 0, tx_copied_ = 0;
    std::uint64_t tx_csum_offloaded_ = 0, tx_tso_offloaded_ = 0;
};

Status dpdk_error(const std::string& what, int err) {
    return Status(Errc::io_error, fmt::format("{}: {}", what, ::rte_strerror(err < 0 ? -err : err)));
}

// The ethdev a just-probed devargs string made (the first one matching it).
Result<std::uint16_t> find_port(const std::string& devargs) {
    rte_dev_iterator it{};
    std::uint16_t id = RTE_MAX_ETHPORTS;
    if (::rte_eth_iterator_init(&it, devargs.c_str()) == 0) {
        id = ::rte_eth_iterator_next(&it);
        if (id != RTE_MAX_ETHPORTS) ::rte_eth_iterator_cleanup(&it);
    }
    if (id == RTE_MAX_ETHPORTS) {
        return Status(Errc::not_found, fmt::format("no DPDK port for devargs '{}'", devargs));
    }
    return id;
}

}  // namespace

std::string vhost_user_devargs(const std::string& port_name, const std::string& path,
                               bool client, std::uint16_t queues) {
    // vdev names are unique per process; the port name may hold characters devargs cannot.
    static std::atomic<unsigned> serial{0};
    std::string safe;
    for (char c : port_name) safe += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
    return fmt::format("net_vhost_sy{}_{},iface={},queues={},client={},tso=1", serial++,
                       safe.substr(0, 24), path, queues, client ? 1 : 0);
}

Status check_devargs(const std::string& devargs) {
    if (devargs.empty()) return Status(Errc::invalid_argument, "devargs must not be empty");
    if (devargs.find_first_of(" \t\n") != std::string::npos)
        return Status(Errc::invalid_argument,
                      fmt::format("devargs '{}' must not contain spaces", devargs));
    if (devargs.front() == ',')
        return Status(Errc::invalid_argument,
                      fmt::format("devargs '{}' has no device name", devargs));
    return Status::ok();
}

Result<std::unique_ptr<port::Port>> open_dpdk_port(const DpdkPortOptions& o) {
    if (!eal_running()) {
        return Status(Errc::unsupported,
                      "DPDK ports need the daemon started with --dpdk (docs/dpdk.md)");
    }
    if (Status s = check_devargs(o.devargs); !s) return s;
    if (o.rx_queues == 0 || o.tx_queues == 0)
        return Status(Errc::invalid_argument, "rx/tx queue counts must be at least 1");
    if (int rc = ::rte_dev_probe(o.devargs.c_str()); rc != 0)
        return dpdk_error(fmt::format("DPDK could not probe '{}'", o.devargs), rc);
    auto id = find_port(o.devargs);
    if (!id) return id.status();
    const std::uint16_t port_id = *id;
    rte_eth_dev_info info{};
    if (int rc = ::rte_eth_dev_info_get(port_id, &info); rc != 0) {
        return dpdk_error("rte_eth_dev_info_get", rc);
    }
    rte_device* device = info.device;
    // From here on a failure must undo the probe.
    auto undo = [&](Status s) -> Result<std::unique_ptr<port::Port>> {
        ::rte_eth_dev_close(port_id);
        if (device != nullptr) (void)::rte_dev_remove(device);
        return s;
    };
    if (o.rx_queues > info.max_rx_queues || o.tx_queues > info.max_tx_queues) {
        return undo(Status(Errc::invalid_argument,
                           fmt::format("'{}' has at most {} rx and {} tx queues", o.devargs,
                                       info.max_rx_queues, info.max_tx_queues)));
    }
    const std::uint64_t tx_capa = info.tx_offload_capa;
    DeviceTxOffloads tx;
    tx.ipv4_cksum = tx_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
    tx.tcp_cksum = tx_capa & RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
    tx.udp_cksum = tx_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
    tx.tcp_tso = tx_capa & RTE_ETH_TX_OFFLOAD_TCP_TSO;
    tx.multi_segs = tx_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS;

    rte_eth_conf conf{};
    conf.txmode.offloads = tx_capa & (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
                                      RTE_ETH_TX_OFFLOAD_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_TSO |
                                      RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
    conf.rxmode.offloads =
        info.rx_offload_capa & (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
                                RTE_ETH_RX_OFFLOAD_UDP_CKSUM);
    if (int rc = ::rte_eth_dev_configure(port_id, o.rx_queues, o.tx_queues, &conf); rc != 0)
        return undo(dpdk_error(fmt::format("configuring '{}'", o.devargs), rc));

    const std::string pool_name = fmt::format("sy_pool_{}", port_id);
    rte_mempool* pool = ::rte_mempool_lookup(pool_name.c_str());
    if (pool == nullptr) {
        pool = ::rte_pktmbuf_pool_create(pool_name.c_str(), o.mbufs, 256, kMbufPrivSize,
                                         RTE_MBUF_DEFAULT_BUF_SIZE, static_cast<int>(::rte_socket_id()));
    }
    if (pool == nullptr) {
        return undo(dpdk_error(fmt::format("no memory for the mbuf pool of '{}'", o.devargs),
                               rte_errno));
    }
    const int socket = ::rte_eth_dev_socket_id(port_id);
    for (std::uint16_t q = 0; q < o.rx_queues; ++q) {
        if (int rc = ::rte_eth_rx_queue_setup(port_id, q, o.rx_descriptors, socket, nullptr, pool);
            rc != 0)
            return undo(dpdk_error(fmt::format("rx queue {} of '{}'", q, o.devargs), rc));
    }
    for (std::uint16_t q = 0; q < o.tx_queues; ++q) {
        if (int rc = ::rte_eth_tx_queue_setup(port_id, q, o.tx_descriptors, socket, nullptr);
            rc != 0)
            return undo(dpdk_error(fmt::format("tx queue {} of '{}'", q, o.devargs), rc));
    }
    if (int rc = ::rte_eth_dev_start(port_id); rc != 0)
        return undo(dpdk_error(fmt::format("starting '{}'", o.devargs), rc));
    (void)::rte_eth_promiscuous_enable(port_id);  // a switch port sees every destination

    offload::PortOffloadCaps caps{};
    std::uint16_t mtu = 1500;
    if (::rte_eth_dev_get_mtu(port_id, &mtu) != 0) mtu = 1500;
    caps.mtu = mtu;
    caps.l4_csum = tx.tcp_cksum && tx.udp_cksum;
    caps.tso4 = tx.tcp_tso && tx.tcp_cksum && tx.ipv4_cksum && tx.multi_segs;
    caps.tso6 = tx.tcp_tso && tx.tcp_cksum && tx.multi_segs;
    caps.accepts_verified_mark = false;  // an mbuf has no "verified" for TX
    return std::unique_ptr<port::Port>(new DpdkPort(o, caps, port_id, pool, device, tx));
}

}  // namespace sy::dpdk
