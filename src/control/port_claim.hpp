#pragma once
// Ownership that survives `rm`: a daemon claims each kernel interface it uses as a port, and
// its state directory, by binding an abstract unix socket (Linux: no file, gone only when the
// process is). The kernel refuses a second bind of the same name in the network namespace,
// so two switches can never both forward on one port, even when lock files and sockets were
// deleted by hand. `ss -xl | grep @switchyard/` lists the claims.

#include <memory>
#include <string>

#include "base/status.hpp"

namespace sy::control {

class Claim {
  public:
    explicit Claim(int fd) : fd_(fd) {}
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;
    ~Claim();

  private:
    int fd_;
};

// Claims `name` ("@" + name in the abstract namespace). Errc::already_exists naming the pid
// of the process that holds it when taken.
Result<std::unique_ptr<Claim>> claim_abstract(const std::string& name, const std::string& what);

// The interface's claim: "switchyard/port/IFINDEX" (the index, not the name: a rename keeps
// the claim). Errc::not_found when the interface does not exist.
Result<std::unique_ptr<Claim>> claim_port(const std::string& ifname);

// The daemon's claim on its state directory: "switchyard/dir/" + its canonical path.
Result<std::unique_ptr<Claim>> claim_state_dir(const std::string& state_dir);

}  // namespace sy::control
