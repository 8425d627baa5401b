"""Turns the scenarios' rows into the lab's tables (or JSON)."""

import json

LEGEND = """\
Checksum cells: the value tcpdump recorded, then what it is: ok = the complete, correct TCP
checksum; pseudo = only the pseudo-header sum (a partial checksum someone still has to
finish); bad = neither. tcpdump shows the same bytes in working and broken runs. In
[brackets] the kernel's own mark for the packet at that point (`switchyard capture`,
PACKET_AUXDATA): notready = TP_STATUS_CSUMNOTREADY, the packet is still marked for
completion, so a pseudo sum is fine; none = unmarked, the bytes are all there is, so a
pseudo sum is a broken checksum; valid = TP_STATUS_CSUM_VALID. '-' = never seen there.
Points: 1 container eth0, 2 host side of the container veth, 3 client side past the switch.
TcpInCsumErrors: rise of the receiving kernel's counter during the run (who dropped it)."""


def _table(headers, rows):
    """A plain-text table. A row shorter than the headers (a scenario that did not run)
    prints its last cell across the remaining columns."""
    full = [headers] + [r for r in rows if len(r) == len(headers)]
    widths = [max(len(str(r[i])) for r in full) for i in range(len(headers))]

    def line(cells):
        padded = [str(c).ljust(w) for c, w in zip(cells[:-1], widths)] + [str(cells[-1])]
        return "  ".join(padded).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _csum_cell(entry, mark):
    if not entry:
        return "-"
    text = f"{entry['csum']} {entry['kind']}"
    return text + (f" [{mark.removeprefix('csum_')}]" if mark else "")


def _syn_cell(entry, mark):
    """The SYN at point 3, with its pseudo-header sum when it carries a full checksum: the
    number a leaked partial SYN/ACK shows (same addresses swapped, same length)."""
    text = _csum_cell(entry, mark)
    if entry and entry["kind"] != "pseudo":
        text += f" (pseudo sum {entry['pseudo_sum']})"
    return text


def _errors_cell(errors):
    rises = [f"{who} +{n}" for who, n in (errors or {}).items() if n]
    return ", ".join(rises) if rises else "0"


def _outcome(ok, expected):
    word = "yes" if ok else "NO"
    return word if ok == expected else f"{word} (unexpected!)"


def handshake_table(results):
    headers = ["scenario", "page", "SYN/ACK @1", "SYN/ACK @2", "SYN/ACK @3", "SYN @3",
               "TcpInCsumErrors", "csum-trace verdict"]
    rows = []
    for scenario, row in results:
        if not row.get("available"):
            rows.append([scenario.name, row.get("note") or row.get("error", "?")])
            continue
        marks = row.get("marks") or {}
        synack_marks = marks.get("SYN/ACK", {})
        synack = row.get("synack", {})
        cells = [_csum_cell(synack.get(f"p{n}"), synack_marks.get(f"p{n}")) for n in (1, 2, 3)]
        syn = "" if row["page"] else _syn_cell(row.get("syn_p3"), marks.get("SYN", {}).get("p3"))
        rows.append([scenario.name, _outcome(row["page"], scenario.expect_success), *cells, syn,
                     _errors_cell(row.get("csum_errors")), row.get("trace", "")])
    return _table(headers, rows)


def veth_lesson_table(results):
    headers = ["scenario", "port options", "download", "SHA-256 sent", "SHA-256 received",
               "same file", "TcpInCsumErrors", "corrupted pkts", "diagnosis"]
    rows = []
    for scenario, row in results:
        if not row.get("available"):
            rows.append([scenario.name, row.get("port_options", ""),
                         row.get("note") or row.get("error", "?")])
            continue
        corrupted = row.get("corrupted_packets")
        rows.append([scenario.name, row["port_options"],
                     f"{row['bytes_received'] / 2**20:.1f}/{row['file_mb']} MiB",
                     row["sha256_sent"][:16], (row["sha256_received"] or "-")[:16],
                     _outcome(row["sha256_match"], scenario.expect_success),
                     _errors_cell(row.get("csum_errors")),
                     "?" if corrupted is None else corrupted, row.get("diagnosis", "")])
    return _table(headers, rows)


def _path_cell(path):
    """c1 partial[notready] > ha good/outer partial[notready] > ..."""
    if not path:
        return "-"
    cells = []
    for s in path:
        text = f"{s['point']} {s['state']}"
        if s.get("kmark"):
            text += f"[{s['kmark'].removeprefix('csum_')}]"
        if s.get("outer"):
            text += f"/outer {s['outer']}"
            if s.get("outer_kmark"):
                text += f"[{s['outer_kmark'].removeprefix('csum_')}]"
        cells.append(text)
    return " > ".join(cells)


def overlay_table(results):
    headers = ["scenario", "download", "TcpInCsumErrors", "UdpInCsumErrors", "SYN path",
               "SYN/ACK path", "csum-trace verdict"]
    rows = []
    for scenario, row in results:
        if not row.get("available"):
            rows.append([scenario.name, row.get("note") or row.get("error", "?")])
            continue
        rows.append([scenario.name,
                     f"{row['file_mb']} MiB, " + _outcome(row["sha256_match"],
                                                          scenario.expect_success),
                     _errors_cell(row.get("csum_errors")),
                     _errors_cell(row.get("udp_csum_errors")),
                     _path_cell(row.get("syn_path")), _path_cell(row.get("synack_path")),
                     row.get("trace", "")])
    return _table(headers, rows)


OVERLAY_LEGEND = """Path cells: each point the packet was seen at, in travel order (c1 client container eth0, ha
host A's underlay, hb host B's underlay, c2 server container eth0), with the inner TCP
checksum's state and, on the underlay, the outer UDP checksum's ([the kernel's mark])."""


def render_text(results):
    parts = []
    by_table = {"handshake": [], "veth_lesson": [], "overlay": []}
    for scenario, row in results:
        by_table[scenario.table].append((scenario, row))
    if by_table["handshake"]:
        parts += ["The investigation: curl from the client to the container's web server",
                  "", handshake_table(by_table["handshake"]), "", LEGEND, ""]
    if by_table["veth_lesson"]:
        parts += ["The veth lesson: a Switchyard port corrupts 1% of payloads during a download",
                  "", veth_lesson_table(by_table["veth_lesson"]), ""]
    if by_table["overlay"]:
        parts += ["Across an overlay: two Switchyard hosts joined by VXLAN, a download between "
                  "their containers", "", overlay_table(by_table["overlay"]), "",
                  OVERLAY_LEGEND, ""]
        for _scenario, row in by_table["overlay"]:
            if row.get("tunnel_report"):
                parts += ["csum-trace on the overlay:"] + row["tunnel_report"] + [""]
    parts.append("Scenarios:")
    for scenario, row in results:
        fast = (f" (This run: the kernel fast path forwarded {row['fastpath_frames']} frames.)"
                if "fastpath_frames" in row else "")
        parts.append(f"  {scenario.name}: {row.get('switch', '')}"
                     f"{', ' + row['offloads'] if 'offloads' in row else ''}. {scenario.story}"
                     f"{fast}")
    return "\n".join(parts)


def render_json(results):
    out = []
    for scenario, row in results:
        out.append(dict(row, table=scenario.table, expect_success=scenario.expect_success))
    return json.dumps({"scenarios": out}, indent=2)
