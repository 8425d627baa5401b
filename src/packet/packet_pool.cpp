#include "packet/packet_pool.hpp"

namespace sy {

PacketPool::PacketPool(std::uint32_t count, std::uint32_t buffer_size, std::uint32_t headroom)
    : buffer_size_(buffer_size),
      headroom_(headroom < buffer_size ? headroom : 0),
      storage_(new std::uint8_t[static_cast<std::size_t>(count) * buffer_size]),
      packets_(count),
      free_list_(count),
      is_free_(count, 1),
      free_count_(count) {
    for (std::uint32_t i = 0; i < count; ++i) {
        Packet& p = packets_[i];
        p.buffer = storage_.get() + static_cast<std::size_t>(i) * buffer_size;
        p.buffer_size = buffer_size;
        p.owner = this;
        // Hand out low indices first: easier to read in a debugger, better locality.
        free_list_[count - 1 - i] = &p;
    }
}

Packet* PacketPool::alloc() {
    if (free_count_ == 0) {
        ++alloc_failures_;
        return nullptr;
    }
    Packet* p = free_list_[--free_count_];
    is_free_[static_cast<std::size_t>(p - packets_.data())] = 0;
    p->reset(headroom_);
    return p;
}

bool PacketPool::owns(const Packet* p) const {
    if (packets_.empty() || p < packets_.data() || p >= packets_.data() + packets_.size()) {
        return false;
    }
    return true;
}

void PacketPool::free(Packet* p) {
    if (p == nullptr) return;
    if (!owns(p)) {
        ++bad_frees_;
        return;
    }
    std::size_t index = static_cast<std::size_t>(p - packets_.data());
    if (is_free_[index]) {
        ++bad_frees_;
        return;
    }
    is_free_[index] = 1;
    free_list_[free_count_++] = p;
}

}  // namespace sy
