#pragma once
// Maps JSON-RPC method names to handlers. Each command family registers its methods from its
// own file (commands_<family>.cpp), so adding a command never touches the server.

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/status.hpp"

namespace sy::control {

// One client connection. Handlers may leave work to be done when the client goes away
// (e.g. a capture that the client stops by disconnecting, even when it was killed).
class Session {
  public:
    ~Session();  // runs the remaining cleanups
    void on_close(const std::string& key, std::function<void()> cleanup);
    // Forgets (without running) the cleanup registered under `key`.
    void cancel(const std::string& key);
    // Whether the connection holds something that lasts (a capture): it is then a streaming
    // connection, legitimately quiet, and never closed for being idle.
    bool holds_resources() const { return !cleanups_.empty(); }

  private:
    std::vector<std::pair<std::string, std::function<void()>>> cleanups_;
};

using Handler = std::function<Result<nlohmann::json>(const nlohmann::json& params, Session&)>;

struct Command {
    std::string method;
    std::string summary;
    Handler handler;
};

class CommandRegistry {
  public:
    // Registering the same method twice is a programming error: the second one is refused.
    Status add(std::string method, std::string summary, Handler handler);
    const Command* find(const std::string& method) const;
    std::vector<std::string> methods() const;

  private:
    std::map<std::string, Command> commands_;
};

// Turns one request line into the response line to send back (none for a notification).
// Never throws: handler exceptions become internal errors.
std::optional<std::string> dispatch_line(const CommandRegistry& registry, std::string_view line,
                                         Session& session);

}  // namespace sy::control
