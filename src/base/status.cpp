#include "base/status.hpp"

namespace sy {

const char* to_string(Errc code) {
    switch (code) {
        case Errc::ok:
            return "ok";
        case Errc::invalid_argument:
            return "invalid argument";
        case Errc::not_found:
            return "not found";
        case Errc::already_exists:
            return "already exists";
        case Errc::unsupported:
            return "unsupported";
        case Errc::io_error:
            return "I/O error";
        case Errc::corrupt:
            return "corrupt";
    }
    return "unknown";
}

}  // namespace sy
