#pragma once
// errno classification shared by the kernel-backed ports.

#include <cerrno>

namespace sy::port {

// The device behind a socket or file descriptor no longer exists (interface deleted, TAP
// detached): nothing will ever be sent or received again, the port must be removed.
inline bool is_device_gone(int err) {
    return err == ENXIO || err == ENODEV || err == ENETDOWN || err == EBADFD || err == EIO;
}

}  // namespace sy::port
