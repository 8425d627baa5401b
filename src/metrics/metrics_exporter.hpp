#pragma once
// The /metrics HTTP endpoint (prometheus-cpp's Exposer, civetweb underneath), serving one
// collector. Scrapes run on the exporter's own threads; the switch is only read.

#include <memory>

#include "base/status.hpp"
#include "metrics/listen_address.hpp"
#include "metrics/switch_collector.hpp"

namespace prometheus {
class Exposer;
}

namespace sy::metrics {

class MetricsExporter {
  public:
    // Errc::io_error when the address cannot be bound (in use, not local).
    static Result<std::unique_ptr<MetricsExporter>> start(
        const ListenAddress& address, std::shared_ptr<prometheus::Collectable> collector);
    ~MetricsExporter();

    // The address actually bound (the chosen port when asked for port 0).
    const ListenAddress& address() const { return address_; }

  private:
    MetricsExporter() = default;
    ListenAddress address_;
    std::shared_ptr<prometheus::Collectable> collector_;
    std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace sy::metrics
