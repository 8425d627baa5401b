#pragma once
// The last stage: a packet the pipeline decided to send to a port. Egress preparation stays
// ONE function (offload::TxPreparer::prepare: pass the checksum/GSO metadata on, finish the
// checksum or segment in software, per the port's capabilities); then the lab-only unsafe
// mark, the outbound capture, the worker's queue for that port, and the send at the end of
// the round (or when the queue is full).

#include "datapath/switch_port.hpp"
#include "datapath/worker.hpp"

namespace sy::datapath {

// Takes ownership of `p`: it is queued (possibly as several segments) or dropped and counted.
void send_to_port(Worker& w, SwitchPort& out, Packet* p);
// Hands the worker's queue for `out` to the port (or drops it, counted, if the port is down).
void flush_lane(SwitchPort& out, PortLane& lane);

}  // namespace sy::datapath
