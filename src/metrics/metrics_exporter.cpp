#include "metrics/metrics_exporter.hpp"

#include <fmt/core.h>
#include <prometheus/exposer.h>

#include <exception>

namespace sy::metrics {

Result<std::unique_ptr<MetricsExporter>> MetricsExporter::start(
    const ListenAddress& address, std::shared_ptr<prometheus::Collectable> collector) {
    std::unique_ptr<MetricsExporter> exporter(new MetricsExporter());
    exporter->address_ = address;
    exporter->collector_ = std::move(collector);
    try {
        // civetweb's option list: "listening_ports" takes "ADDR:PORT" / "[ADDR]:PORT"; one
        // scrape thread is plenty for a few Prometheus servers, two leave room for a slow one.
        exporter->exposer_ = std::make_unique<prometheus::Exposer>(address.to_string(), 2);
    } catch (const std::exception& e) {
        return Status(Errc::io_error, fmt::format("metrics: cannot listen on {}: {}",
                                                  address.to_string(), e.what()));
    }
    exporter->exposer_->RegisterCollectable(exporter->collector_);
    const auto ports = exporter->exposer_->GetListeningPorts();
    if (!ports.empty()) exporter->address_.port = static_cast<std::uint16_t>(ports.front());
    return exporter;
}

MetricsExporter::~MetricsExporter() = default;

}  // namespace sy::metrics
