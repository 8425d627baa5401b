#pragma once
// Bounds-checked reading and writing of OpenFlow's big-endian wire structures. A Reader
// never reads past its span: every take fails (and stays failed) instead, so a decoder
// checks once at the end, or wherever it must answer with a precise error.

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace sy::openflow {

class Reader {
  public:
    Reader() = default;
    explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}

    bool ok() const { return ok_; }
    std::size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }
    std::size_t position() const { return pos_; }
    bool empty() const { return remaining() == 0; }

    std::uint8_t u8() { return static_cast<std::uint8_t>(be(1)); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(be(2)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(be(4)); }
    std::uint64_t u64() { return be(8); }
    void skip(std::size_t n) { (void)bytes(n); }
    // The next n bytes (empty and failed if there are fewer).
    std::span<const std::uint8_t> bytes(std::size_t n) {
        if (!ok_ || data_.size() - pos_ < n) {
            ok_ = false;
            return {};
        }
        auto s = data_.subspan(pos_, n);
        pos_ += n;
        return s;
    }
    std::span<const std::uint8_t> rest() { return bytes(remaining()); }
    // A Reader over the next n bytes; this one moves past them.
    Reader sub(std::size_t n) {
        auto s = bytes(n);
        Reader r(s);
        r.ok_ = ok_;
        return r;
    }
    // Peek a 16-bit value `ofs` bytes ahead without consuming (0 if not there).
    std::uint16_t peek16(std::size_t ofs = 0) const {
        if (!ok_ || data_.size() - pos_ < ofs + 2) return 0;
        return static_cast<std::uint16_t>(data_[pos_ + ofs] << 8 | data_[pos_ + ofs + 1]);
    }

  private:
    std::uint64_t be(std::size_t n) {
        auto s = bytes(n);
        std::uint64_t v = 0;
        for (std::uint8_t b : s) v = v << 8 | b;
        return v;
    }
    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

class Writer {
  public:
    explicit Writer(std::vector<std::uint8_t>& out) : out_(out) {}

    std::size_t size() const { return out_.size(); }
    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v) { be(v, 2); }
    void u32(std::uint32_t v) { be(v, 4); }
    void u64(std::uint64_t v) { be(v, 8); }
    void zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }
    void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
    // A fixed-size, zero-padded string field (port names, descriptions).
    void fixed_string(std::string_view s, std::size_t n) {
        const std::size_t k = std::min(s.size(), n - 1);
        out_.insert(out_.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(k));
        zeros(n - k);
    }
    // Pads with zeros to a multiple of 8 counted from `start`.
    void pad8(std::size_t start) { zeros((8 - (out_.size() - start) % 8) % 8); }
    void put16(std::size_t at, std::uint16_t v) {
        out_[at] = static_cast<std::uint8_t>(v >> 8);
        out_[at + 1] = static_cast<std::uint8_t>(v);
    }

  private:
    void be(std::uint64_t v, int n) {
        for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    std::vector<std::uint8_t>& out_;
};

}  // namespace sy::openflow
