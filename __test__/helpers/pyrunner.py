# The python3 side of the differential harness (see pydiff.ts): reads a JSON
# list of cases on stdin, runs each in a fresh namespace and prints, per case,
# {"ok": value} or {"exc": class name, "msg": str(e)} as one JSON list.
import binascii
import json
import socket
import sys
import warnings

warnings.simplefilter("ignore")


def dec(x):
    t = x["t"]
    v = x.get("v")
    if t == "none":
        return None
    if t == "bool":
        return v
    if t == "int":
        return int(v)
    if t == "float":
        return float({"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}.get(v, v))
    if t == "str":
        return v
    if t == "bytes":
        return binascii.unhexlify(v)
    if t == "bytearray":
        return bytearray(binascii.unhexlify(v))
    if t == "memoryview":
        return memoryview(bytearray(binascii.unhexlify(v)))
    if t == "tuple":
        return tuple(dec(i) for i in v)
    if t == "list":
        return [dec(i) for i in v]
    if t == "dict":
        return {k: dec(i) for k, i in v.items()}
    raise ValueError("bad tag " + t)


def enc(v):
    if v is None or isinstance(v, bool) or isinstance(v, str):
        return v
    if isinstance(v, int):
        return {"int": str(v)}
    if isinstance(v, float):
        return {"float": repr(v)}
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {"bytes": binascii.hexlify(bytes(v)).decode()}
    if isinstance(v, (tuple, list)):
        return [enc(i) for i in v]
    if isinstance(v, socket.socket):
        return {"socket": True}
    return {"repr": repr(v)}


def run(case):
    ns = {}
    exec("from socket import *", ns)
    ns["socket"] = socket
    ns["ARGS"] = [dec(a) for a in case.get("args", [])]
    try:
        exec(case["py"], ns)
        return {"ok": enc(ns.get("result"))}
    except BaseException as e:  # noqa: BLE001 - every exception is a result
        if isinstance(e, BaseExceptionGroup):
            # AggregateError's message is the group's .message: str(e)
            # appends " (n sub-exceptions)", which JS has no place for.
            return {
                "exc": type(e).__name__,
                "msg": e.message,
                "group": [[type(x).__name__, str(x)] for x in e.exceptions],
            }
        return {"exc": type(e).__name__, "msg": str(e)}
    finally:
        for v in list(ns.values()):
            if isinstance(v, socket.socket):
                v.close()


cases = json.load(sys.stdin)
json.dump([run(c) for c in cases], sys.stdout)
