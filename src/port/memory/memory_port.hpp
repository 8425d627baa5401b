#pragma once
// An in-memory port for tests and benchmarks: no kernel, two single-producer/single-consumer
// rings of frames. A test thread injects frames (with any offload metadata, as a vnet-header
// port would deliver them) and takes what the switch sent; the poll thread is the other end.
// Capabilities are whatever the test declares, so every tx_prepare path can be driven.
//
// Benchmark modes: a generator that yields copies of template frames forever, and a sink
// that frees what it is given; neither allocates.

#include <atomic>
#include <optional>
#include <span>
#include <vector>

#include "port/port.hpp"

namespace sy::port {

struct MemoryFrame {
    std::vector<std::uint8_t> bytes;
    OffloadInfo offload;
};

class MemoryPort final : public Port {
  public:
    MemoryPort(std::string name, offload::PortOffloadCaps caps, std::uint32_t ring_size = 1024);
    ~MemoryPort() override;

    // --- the test's side (one thread) ---
    // Queue a frame for the switch to receive. False if the ring is full.
    bool inject(std::span<const std::uint8_t> frame, const OffloadInfo& offload = {});
    // The next frame the switch sent on this port, if any.
    std::optional<MemoryFrame> take();
    // Everything sent so far.
    std::vector<MemoryFrame> take_all();

    // --- benchmark modes (set before the port is added to a switch) ---
    void set_generator(std::vector<MemoryFrame> templates) { generator_ = std::move(templates); }
    void set_sink(bool discard) { sink_ = discard; }

    // --- Port ---
    std::uint32_t rx_burst(PacketPool& pool, PacketBatch& batch) override;
    void tx_burst(PacketBatch& batch) override;
    // A generator always has frames: it must be polled, there is nothing to wait on.
    int poll_fd() const override { return generator_.empty() ? event_fd_ : -1; }

  private:
    struct Ring {
        explicit Ring(std::uint32_t size) : slots(size) {}
        std::vector<MemoryFrame> slots;
        std::atomic<std::uint64_t> head{0};  // next slot the consumer reads
        std::atomic<std::uint64_t> tail{0};  // next slot the producer writes
    };
    std::uint32_t rx_generate(PacketPool& pool, PacketBatch& batch);

    Ring to_switch_;
    Ring from_switch_;
    int event_fd_ = -1;
    std::vector<MemoryFrame> generator_;
    std::size_t generator_next_ = 0;
    bool sink_ = false;
};

}  // namespace sy::port
