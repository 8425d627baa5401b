#pragma once
// Result of an operation outside the per-packet path: ok, or a category plus a message that
// tells a person exactly what was wrong. (g++ 12 has no std::expected.)

#include <optional>
#include <string>
#include <utility>

namespace sy {

enum class Errc {
    ok,
    invalid_argument,  // the request itself is malformed
    not_found,         // unknown bridge, port, namespace, interface...
    already_exists,    // duplicate name
    unsupported,       // valid, but not something we can do here
    io_error,          // the system said no (errno text in the message)
    corrupt,           // stored data cannot be read
};

class Status {
  public:
    Status() = default;
    Status(Errc code, std::string message) : code_(code), message_(std::move(message)) {}
    static Status ok() { return {}; }

    bool is_ok() const { return code_ == Errc::ok; }
    explicit operator bool() const { return is_ok(); }
    Errc code() const { return code_; }
    const std::string& message() const { return message_; }

  private:
    Errc code_ = Errc::ok;
    std::string message_;
};

// A value or a Status explaining why there is none.
template <typename T>
class Result {
  public:
    Result(T value) : value_(std::move(value)) {}        // NOLINT: implicit by design
    Result(Status error) : status_(std::move(error)) {}  // NOLINT: implicit by design

    bool is_ok() const { return value_.has_value(); }
    explicit operator bool() const { return is_ok(); }
    const Status& status() const { return status_; }
    T& value() { return *value_; }
    const T& value() const { return *value_; }
    T* operator->() { return &*value_; }
    const T* operator->() const { return &*value_; }
    T& operator*() { return *value_; }

  private:
    std::optional<T> value_;
    Status status_;
};

const char* to_string(Errc code);

}  // namespace sy
