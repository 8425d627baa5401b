#include "port/memory/memory_port.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>

namespace sy::port {

MemoryPort::MemoryPort(std::string name, offload::PortOffloadCaps caps, std::uint32_t ring_size)
    : Port(std::move(name), caps),
      to_switch_(ring_size),
      from_switch_(ring_size),
      event_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

MemoryPort::~MemoryPort() {
    if (event_fd_ >= 0) ::close(event_fd_);
}

bool MemoryPort::inject(std::span<const std::uint8_t> frame, const OffloadInfo& offload) {
    const std::uint64_t tail = to_switch_.tail.load(std::memory_order_relaxed);
    if (tail - to_switch_.head.load(std::memory_order_acquire) >= to_switch_.slots.size()) {
        return false;
    }
    MemoryFrame& slot = to_switch_.slots[tail % to_switch_.slots.size()];
    slot.bytes.assign(frame.begin(), frame.end());
    slot.offload = offload;
    to_switch_.tail.store(tail + 1, std::memory_order_release);
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(event_fd_, &one, sizeof one);  // wake the poll thread
    return true;
}

std::optional<MemoryFrame> MemoryPort::take() {
    const std::uint64_t head = from_switch_.head.load(std::memory_order_relaxed);
    if (head == from_switch_.tail.load(std::memory_order_acquire)) return std::nullopt;
    MemoryFrame& slot = from_switch_.slots[head % from_switch_.slots.size()];
    MemoryFrame out{std::move(slot.bytes), slot.offload};
    slot.bytes = {};
    from_switch_.head.store(head + 1, std::memory_order_release);
    return out;
}

std::vector<MemoryFrame> MemoryPort::take_all() {
    std::vector<MemoryFrame> all;
    while (auto f = take()) all.push_back(std::move(*f));
    return all;
}

std::uint32_t MemoryPort::rx_generate(PacketPool& pool, PacketBatch& batch) {
    std::uint32_t added = 0;
    while (!batch.full()) {
        const MemoryFrame& t = generator_[generator_next_];
        Packet* p = pool.alloc();
        if (!p) {
            counters_.drop(PortDrop::rx_no_buffer);
            break;
        }
        std::memcpy(p->data(), t.bytes.data(), t.bytes.size());
        p->length = static_cast<std::uint32_t>(t.bytes.size());
        p->offload = t.offload;
        batch.push(p);
        counters_.rx_packets++;
        counters_.rx_bytes += p->length;
        ++added;
        if (++generator_next_ == generator_.size()) generator_next_ = 0;
    }
    return added;
}

std::uint32_t MemoryPort::rx_burst(PacketPool& pool, PacketBatch& batch) {
    if (!generator_.empty()) return rx_generate(pool, batch);
    std::uint64_t head = to_switch_.head.load(std::memory_order_relaxed);
    std::uint64_t tail = to_switch_.tail.load(std::memory_order_acquire);
    if (head == tail) {
        // Empty: consume the wake-up, then look again so a frame injected in between is seen.
        std::uint64_t drained;
        [[maybe_unused]] ssize_t n = ::read(event_fd_, &drained, sizeof drained);
        tail = to_switch_.tail.load(std::memory_order_acquire);
    }
    std::uint32_t added = 0;
    while (head != tail && !batch.full()) {
        const MemoryFrame& slot = to_switch_.slots[head % to_switch_.slots.size()];
        Packet* p = pool.alloc();
        if (!p) {
            counters_.drop(PortDrop::rx_no_buffer);
        } else if (slot.bytes.size() > p->tailroom()) {
            counters_.drop(PortDrop::rx_truncated);
            pool.free(p);
        } else {
            std::memcpy(p->data(), slot.bytes.data(), slot.bytes.size());
            p->length = static_cast<std::uint32_t>(slot.bytes.size());
            p->offload = slot.offload;
            batch.push(p);
            counters_.rx_packets++;
            counters_.rx_bytes += p->length;
            ++added;
        }
        ++head;
    }
    to_switch_.head.store(head, std::memory_order_release);
    return added;
}

void MemoryPort::tx_burst(PacketBatch& batch) {
    for (Packet* p : batch) {
        if (sink_) {
            counters_.tx_packets++;
            counters_.tx_bytes += p->length;
            release(p);
            continue;
        }
        const std::uint64_t tail = from_switch_.tail.load(std::memory_order_relaxed);
        if (tail - from_switch_.head.load(std::memory_order_acquire) >= from_switch_.slots.size()) {
            counters_.drop(PortDrop::tx_queue_full);
        } else {
            MemoryFrame& slot = from_switch_.slots[tail % from_switch_.slots.size()];
            slot.bytes.assign(p->data(), p->data() + p->length);  // test-only port: may allocate
            slot.offload = p->offload;
            from_switch_.tail.store(tail + 1, std::memory_order_release);
            counters_.tx_packets++;
            counters_.tx_bytes += p->length;
        }
        release(p);
    }
    batch.clear();
}

}  // namespace sy::port
