#pragma once
// Human-readable text for the verbs' answers (show, stats, fdb). The daemon answers in
// JSON; `--json` prints that as is, otherwise these tables.

#include <nlohmann/json.hpp>

#include <string>

namespace sy::control {

std::string render_show(const nlohmann::json& show);
std::string render_stats(const nlohmann::json& stats);
// dump-flows: one ovs-ofctl line per flow.
std::string render_dump_flows(const nlohmann::json& dump);
// trace: tables, flows, actions, the packet after each, egress decisions (ofproto/trace-like).
std::string render_trace(const nlohmann::json& trace);
std::string render_fdb(const nlohmann::json& fdb);

}  // namespace sy::control
