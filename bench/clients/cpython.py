"""CPython contender: the socket module on blocking sockets.

    python3 cpython.py pingpong PORT ITERS WARMUP
    python3 cpython.py bulk PORT BUFSIZE
    python3 cpython.py pair ITERS WARMUP   (send + recv_into on a socketpair, one thread)

Prints one JSON line, timed inside the process: total ns and the ns of each
batch (BATCH round trips, or SEGMENT bytes), see bench/common.js.
"""
import json
import socket
import sys
import time

BATCH = 1000
SEGMENT = 64 * 2**20


def pingpong(port, iters, warmup):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    ping = b"x"
    for _ in range(warmup):
        s.send(ping)
        s.recv(1)
    clock = time.perf_counter_ns
    batches = []
    t0 = tb = clock()
    for i in range(1, iters + 1):
        s.send(ping)
        if len(s.recv(1)) != 1:
            raise EOFError("peer closed")
        if i % BATCH == 0:
            t = clock()
            batches.append(t - tb)
            tb = t
    ns = clock() - t0
    s.close()
    print(json.dumps({"ns": ns, "iters": iters, "batch": BATCH, "batches": batches}))


def pair(iters, warmup):
    x, y = socket.socketpair()
    ping = b"x"
    into = bytearray(1)
    for _ in range(warmup):
        x.send(ping)
        y.recv_into(into)
    clock = time.perf_counter_ns
    batches = []
    cpu0 = time.process_time_ns()
    t0 = tb = clock()
    for i in range(1, iters + 1):
        x.send(ping)
        y.recv_into(into)
        if i % BATCH == 0:
            t = clock()
            batches.append(t - tb)
            tb = t
    ns = clock() - t0
    cpu_ns = time.process_time_ns() - cpu0
    x.close()
    y.close()
    print(
        json.dumps(
            {"ns": ns, "cpu_ns": cpu_ns, "iters": iters, "batch": BATCH, "batches": batches}
        )
    )


def bulk(port, bufsize):
    buf = bytearray(bufsize)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(("127.0.0.1", port))
    clock = time.perf_counter_ns
    total = 0
    mark = SEGMENT
    segments = []
    # CPU from the end of the first segment, as in every client.
    cpu0 = time.process_time_ns()
    cpu_from = 0
    t0 = ts = clock()
    while True:
        n = s.recv_into(buf)
        if n == 0:
            break
        total += n
        if total >= mark:
            t = clock()
            segments.append(t - ts)
            ts = t
            mark += SEGMENT
            if len(segments) == 1:
                cpu0 = time.process_time_ns()
                cpu_from = total
    ns = clock() - t0
    cpu_ns = time.process_time_ns() - cpu0
    s.close()
    print(
        json.dumps(
            {
                "ns": ns,
                "cpu_ns": cpu_ns,
                "cpu_bytes": total - cpu_from,
                "bytes": total,
                "segment": SEGMENT,
                "segments": segments,
            }
        )
    )


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "pingpong":
        pingpong(*map(int, args))
    elif mode == "pair":
        pair(*map(int, args))
    elif mode == "bulk":
        bulk(*map(int, args))
    else:
        raise SystemExit(f"unknown mode {mode}")
