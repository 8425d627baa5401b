# A raw OpenFlow 1.3 peer for switch_openflow_protocol.sh: it listens where the bridge's
# controller target points (unix:PATH), takes the switch's connection, and checks what the
# specification asks for, byte by byte: HELLO negotiation, ECHO, FEATURES, ROLE_REQUEST,
# BARRIER, FLOW_REMOVED on a hard timeout, PORT_STATUS when a port is added, and the ERROR
# type and code for malformed or unsupported requests; a message with a length below 8
# gets OFPBRC_BAD_LEN and the connection is closed, after which the switch reconnects.
# Usage: openflow_probe.py SOCKET_PATH PORT_TRIGGER_FILE
import os
import socket
import struct
import sys
import time

OFPT = dict(HELLO=0, ERROR=1, ECHO_REQUEST=2, ECHO_REPLY=3, FEATURES_REQUEST=5, FEATURES_REPLY=6,
            FLOW_REMOVED=11, PORT_STATUS=12, FLOW_MOD=14, GROUP_MOD=15, MULTIPART_REQUEST=18,
            MULTIPART_REPLY=19, BARRIER_REQUEST=20, BARRIER_REPLY=21, ROLE_REQUEST=24,
            ROLE_REPLY=25)
xid = 100


def msg(t, body=b"", version=4):
    global xid
    xid += 1
    return struct.pack("!BBHI", version, t, 8 + len(body), xid) + body


def recv_msg(conn, deadline=5.0):
    conn.settimeout(deadline)
    head = b""
    while len(head) < 8:
        chunk = conn.recv(8 - len(head))
        if not chunk:
            raise EOFError("connection closed")
        head += chunk
    version, t, length, x = struct.unpack("!BBHI", head)
    body = b""
    while len(body) < length - 8:
        chunk = conn.recv(length - 8 - len(body))
        if not chunk:
            raise EOFError("connection closed mid-message")
        body += chunk
    return version, t, x, body


def expect(conn, t, what, skip=(OFPT["PORT_STATUS"], OFPT["ECHO_REQUEST"])):
    end = time.time() + 5
    while time.time() < end:
        version, got, x, body = recv_msg(conn)
        if got == t:
            return x, body
        if got == OFPT["ERROR"] and t != OFPT["ERROR"]:
            raise AssertionError(f"{what}: got ERROR {struct.unpack('!HH', body[:4])}")
        if got not in skip:
            raise AssertionError(f"{what}: expected type {t}, got {got}")
    raise AssertionError(f"{what}: nothing")


def expect_error(conn, request, etype, code, what):
    conn.sendall(request)
    x, body = expect(conn, OFPT["ERROR"], what)
    got = struct.unpack("!HH", body[:4])
    assert got == (etype, code), f"{what}: error {got}, expected {(etype, code)}"
    assert body[4:] == request[:64], f"{what}: the error does not carry the request"
    print(f"ok: {what} -> error {etype}/{code}")


def match(*oxms):
    b = b"".join(oxms)
    m = struct.pack("!HH", 1, 4 + len(b)) + b
    return m + b"\0" * ((8 - len(m) % 8) % 8)


def flow_mod(command=0, priority=100, hard=0, flags=0, match_bytes=None, instructions=b"", table=0):
    body = struct.pack("!QQBBHHHIIIH2x", 0x5a, 0, table, command, 0, hard, priority, 0xffffffff,
                       0xffffffff, 0xffffffff, flags)
    return msg(OFPT["FLOW_MOD"], body + (match_bytes if match_bytes is not None else match()) + instructions)


def accept(path):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(path):
        os.unlink(path)
    srv.bind(path)
    srv.listen(1)
    srv.settimeout(20)
    conn, _ = srv.accept()
    return srv, conn


def main():
    path, trigger = sys.argv[1], sys.argv[2]
    srv, conn = accept(path)
    v, t, _, body = recv_msg(conn)
    assert t == OFPT["HELLO"] and v == 4, f"first message type {t} version {v}"
    assert len(body) >= 8 and struct.unpack("!HH", body[:4]) == (1, 8), "no version bitmap"
    assert struct.unpack("!I", body[4:8])[0] & (1 << 4), "bitmap without 1.3"
    # Our HELLO: version 6 with a bitmap naming 1.0, 1.3 and 1.5.
    conn.sendall(msg(OFPT["HELLO"], struct.pack("!HHI", 1, 8, (1 << 1) | (1 << 4) | (1 << 6)), version=6))
    print("ok: hello negotiated 1.3 from a bitmap")

    conn.sendall(msg(OFPT["ECHO_REQUEST"], b"ping!"))
    _, body = expect(conn, OFPT["ECHO_REPLY"], "echo")
    assert body == b"ping!", body
    conn.sendall(msg(OFPT["FEATURES_REQUEST"]))
    _, body = expect(conn, OFPT["FEATURES_REPLY"], "features")
    assert body[12] == 255, f"n_tables {body[12]}"
    print("ok: echo, features")

    # Roles: master, then a stale generation id is refused.
    conn.sendall(msg(OFPT["ROLE_REQUEST"], struct.pack("!I4xQ", 2, 10)))
    _, body = expect(conn, OFPT["ROLE_REPLY"], "role master")
    assert struct.unpack("!I4xQ", body) == (2, 10), body
    expect_error(conn, msg(OFPT["ROLE_REQUEST"], struct.pack("!I4xQ", 2, 5)), 11, 0, "stale generation id")
    expect_error(conn, msg(OFPT["ROLE_REQUEST"], struct.pack("!I4xQ", 7, 11)), 11, 2, "unknown role")

    # Malformed and unsupported requests.
    expect_error(conn, msg(OFPT["GROUP_MOD"], b"\0" * 8), 1, 1, "GROUP_MOD unsupported")
    expect_error(conn, msg(99), 1, 1, "unknown message type")
    expect_error(conn, msg(OFPT["FEATURES_REQUEST"], version=3), 1, 0, "wrong version")
    expect_error(conn, msg(OFPT["FLOW_MOD"], b"\0" * 20), 1, 6, "short FLOW_MOD")
    expect_error(conn, flow_mod(command=9), 5, 6, "bad FLOW_MOD command")
    expect_error(conn, flow_mod(match_bytes=match(struct.pack("!HBBH", 0x8000, 50 << 1, 2, 0))), 4, 6,
                 "unknown OXM field")
    expect_error(conn, flow_mod(match_bytes=match(struct.pack("!HBBH", 0x8000, 14 << 1, 2, 80))), 4, 9,
                 "tcp_dst without its prerequisites")
    expect_error(conn, flow_mod(instructions=struct.pack("!HH4x", 4, 16) + struct.pack("!HH4x", 99, 8)), 2, 0,
                 "unknown action")
    expect_error(conn, flow_mod(instructions=struct.pack("!HHB3x", 1, 8, 0)), 3, 2, "goto_table backwards")
    expect_error(conn, msg(OFPT["MULTIPART_REQUEST"], struct.pack("!HH4x", 77, 0)), 1, 2,
                 "unknown multipart type")
    conn.sendall(msg(OFPT["BARRIER_REQUEST"]))
    expect(conn, OFPT["BARRIER_REPLY"], "barrier")
    print("ok: barrier after errors")

    # FLOW_REMOVED: a flow with send_flow_rem and a 1 s hard timeout.
    conn.sendall(flow_mod(priority=77, hard=1, flags=1,
                          match_bytes=match(struct.pack("!HBBH", 0x8000, 5 << 1, 2, 0x88b5))))
    _, body = expect(conn, OFPT["FLOW_REMOVED"], "flow removed", skip=(OFPT["PORT_STATUS"], OFPT["ECHO_REQUEST"]))
    cookie, priority, reason, table = struct.unpack("!QHBB", body[:12])
    assert (cookie, priority, reason) == (0x5a, 77, 1), (cookie, priority, reason)
    print("ok: flow removed on hard timeout")

    # PORT_STATUS: the test adds a port when the trigger file appears.
    open(trigger, "w").close()
    _, body = expect(conn, OFPT["PORT_STATUS"], "port status", skip=(OFPT["ECHO_REQUEST"],))
    assert body[0] == 0, f"reason {body[0]}"
    port_no = struct.unpack("!I", body[8:12])[0]
    name = body[8 + 16:8 + 32].rstrip(b"\0").decode()
    print(f"ok: port status add: {port_no} {name}")

    # A length below 8: BAD_LEN, then the switch hangs up and comes back.
    conn.sendall(struct.pack("!BBHI", 4, 2, 4, 1))
    _, body = expect(conn, OFPT["ERROR"], "length below 8")
    assert struct.unpack("!HH", body[:4]) == (1, 6), body[:4]
    try:
        while True:
            recv_msg(conn, 3)
    except (EOFError, ConnectionResetError):
        pass
    print("ok: disconnected after a message it cannot frame")
    conn.close()
    srv.settimeout(20)
    conn, _ = srv.accept()
    v, t, _, _ = recv_msg(conn)
    assert t == OFPT["HELLO"], t
    print("ok: the switch reconnected")
    print("PROBE PASS")


if __name__ == "__main__":
    main()
