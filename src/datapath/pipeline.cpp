#include "datapath/pipeline.hpp"

#include "flow/key_extract.hpp"

namespace sy::datapath {

namespace {
// The program of a bridge that has only the default flow.
const flow::Program& plain_normal() {
    static const flow::Program p = [] {
        flow::Program prog;
        flow::Op op;
        op.type = flow::OpType::normal;
        prog.push(op);
        return prog;
    }();
    return p;
}
}  // namespace

void Pipeline::process(Worker& w, SwitchPort& in, PacketBatch& batch) {
    LaneCounters& counters = w.lane(in.id)->counters;
    {
        Verdicts v;
        ingress(w, in, batch, v);
        advance(batch, v, counters);
    }
    if (batch.empty()) return;
    const flow::Program* programs[PacketBatch::kCapacity];
    classify(w, in, batch, programs);
    Verdicts v;
    execute(w, in, batch, programs, v);
    advance(batch, v, counters);
    // Nothing goes on after execute: whatever is left had no verdict (a broken stage), and
    // advance() has counted and released it already.
    batch.clear();
}

void Pipeline::classify(Worker& w, SwitchPort& in, PacketBatch& batch,
                        const flow::Program** programs) {
    Bridge& br = *in.bridge;
    flow::FlowCache* cache = br.flows_default || br.fail_open ? nullptr : w.cache(br.id);
    if (!cache) {
        // Only the default flow: plain NORMAL for all, no key, no lookup; its counters and
        // table 0's are credited once for the batch.
        std::uint64_t bytes = 0;
        for (std::uint32_t i = 0; i < batch.count; ++i) {
            programs[i] = &plain_normal();
            bytes += batch.packets[i]->length;
        }
        if (br.default_rule && !br.fail_open) {
            const int slot = static_cast<int>(w.credit_slot());
            br.default_rule->counters.credit(slot, batch.count, bytes, w.now_ns);
            br.flows->counters(0).credit(slot, batch.count, true);
        }
        return;
    }
    // Entries stay valid for a whole batch (FlowCache::kStableLookups), so a batch is looked
    // up first and credited per run of packets that got the same entry. A bridge whose flows
    // decide by ingress port alone answers the whole batch with one entry; otherwise
    // common-case packets are looked up by header signature first; only the others, and those
    // not found, are parsed and get a flow key (a packet out of a tunnel has tunnel fields in
    // its key).
    Worker::ClassifyScratch& s = w.classify_scratch();
    const flow::CacheEntry** entries = s.entries;
    static_assert(PacketBatch::kCapacity <= 64, "lookup_signatures takes up to 64 packets");
    const flow::OfPort in_port = in.ofport;  // a copy: stays in a register
    Packet* const* packets = batch.packets;
    auto sign = [in_port, packets](std::size_t i, flow::HeaderSignature& sig) {
        const Packet* p = packets[i];
        return !p->tunnel.present && flow::header_signature(p->bytes(), in_port, sig);
    };
    if (const flow::CacheEntry* all = cache->lookup_signatures(
            *br.flows, in_port, batch.count, sign, s.signatures, s.signature_ptrs, entries)) {
        // One entry for the whole batch (the flows decide by ingress port alone).
        std::uint64_t bytes = 0;
        for (std::uint32_t i = 0; i < batch.count; ++i) {
            programs[i] = &all->program;
            bytes += batch.packets[i]->length;
        }
        cache->credit(*all, batch.count, bytes, w.now_ns);
        return;
    }
    std::uint32_t n_keys = 0;
    for (std::uint32_t i = 0; i < batch.count; ++i) {
        if (entries[i]) continue;
        Packet* p = batch.packets[i];
        flow::extract_key(*p, ensure_parsed(*p), in.ofport, s.keys[n_keys]);
        s.key_ptrs[n_keys] = &s.keys[n_keys];
        s.key_signatures[n_keys] = s.signature_ptrs[i];
        s.key_packet[n_keys] = i;
        ++n_keys;
    }
    if (n_keys > 0) {
        cache->lookup_or_translate(*br.flows, std::span(s.key_ptrs, n_keys),
                                   std::span(s.key_entries, n_keys),
                                   std::span(s.key_signatures, n_keys));
        for (std::uint32_t k = 0; k < n_keys; ++k) entries[s.key_packet[k]] = s.key_entries[k];
    }
    // Credit once per entry: packets of interleaved flows that share an entry are grouped in
    // O(1) each through the entry's batch_tag/batch_group (free for the datapath's use). A
    // run of packets with the same entry (the usual batch) is summed in registers first: the
    // group's counters in memory would make each packet wait for the previous one's add.
    const std::uint64_t tag = ++w.batch_seq;
    const flow::CacheEntry* group_entry[PacketBatch::kCapacity];
    std::uint32_t group_packets[PacketBatch::kCapacity];
    std::uint64_t group_bytes[PacketBatch::kCapacity];
    std::uint32_t groups = 0;
    auto add_run = [&](const flow::CacheEntry* e, std::uint32_t packets, std::uint64_t bytes) {
        if (e->batch_tag != tag) {
            e->batch_tag = tag;
            e->batch_group = groups;
            group_entry[groups] = e;
            group_packets[groups] = 0;
            group_bytes[groups] = 0;
            ++groups;
        }
        group_packets[e->batch_group] += packets;
        group_bytes[e->batch_group] += bytes;
    };
    const flow::CacheEntry* run = entries[0];
    std::uint32_t run_packets = 0;
    std::uint64_t run_bytes = 0;
    for (std::uint32_t i = 0; i < batch.count; ++i) {
        const flow::CacheEntry* e = entries[i];
        programs[i] = &e->program;
        if (e != run) {
            add_run(run, run_packets, run_bytes);
            run = e;
            run_packets = 0;
            run_bytes = 0;
        }
        ++run_packets;
        run_bytes += batch.packets[i]->length;
    }
    if (run_packets > 0) add_run(run, run_packets, run_bytes);
    for (std::uint32_t g = 0; g < groups; ++g)
        cache->credit(*group_entry[g], group_packets[g], group_bytes[g], w.now_ns);
}

void Pipeline::execute(Worker& w, SwitchPort& in, PacketBatch& batch,
                       const flow::Program** programs, Verdicts& v) {
    NormalBurstCache cache;
    for (std::uint32_t i = 0; i < batch.count; ++i) {
        if (auto drop = run_program(w, in, batch.packets[i], *programs[i], cache)) {
            v.drop(i, *drop);
        } else {
            v.consumed(i);
        }
    }
}

}  // namespace sy::datapath
