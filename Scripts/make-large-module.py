#!/usr/bin/env python3
"""Writes a valid module of about SIZE_MB megabytes (default 10) for decode/validate timing.

Usage: Scripts/make-large-module.py OUTPUT.wasm [SIZE_MB]
Each function mixes control flow, locals, memory accesses, calls and arithmetic, so every part of the
decoder and validator gets exercised.
"""
import sys


def uleb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def section(ident, content):
    return bytes([ident]) + uleb(len(content)) + content


def vector(items):
    return uleb(len(items)) + b"".join(items)


def body(index, count):
    # (func (param i32 i32) (result i32) (local i64 f64) ...)
    code = bytearray()
    code += b"\x02\x40"                                  # block
    code += b"\x03\x40"                                  # loop
    for k in range(6):
        code += b"\x20\x00" + b"\x41" + sleb(index * 7 + k) + b"\x6a" + b"\x21\x00"  # p0 = p0 + c
        code += b"\x20\x00\x20\x00\x28\x02" + uleb(k * 4) + b"\x20\x01\x6c\x36\x02\x00"  # store(p0, load(p0)*p1)
        code += b"\x20\x02\x42" + sleb(k) + b"\x7c\x21\x02"                          # l0 += k
        code += b"\x20\x03\x44\x00\x00\x00\x00\x00\x00\xf8\x3f\xa0\x21\x03"      # l1 += 1.5
    code += b"\x20\x00\x41\x80\x02\x49\x0d\x00"          # br_if 0 (p0 < 256)
    code += b"\x0b\x0b"                                  # end loop, end block
    callee = (index + 1) % count
    code += b"\x20\x00\x20\x01\x10" + uleb(callee) + b"\x1a"  # call and drop
    code += b"\x20\x00\x20\x01\x20\x00\x41\x00\x4a\x1b"  # select
    code += b"\x0b"
    locals_ = vector([b"\x01\x7e", b"\x01\x7c"])
    full = locals_ + bytes(code)
    return uleb(len(full)) + full


def main():
    output = sys.argv[1]
    size = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    sample = len(body(0, 1))
    count = int(size * 1024 * 1024 / sample) + 1
    types = section(1, vector([b"\x60\x02\x7f\x7f\x01\x7f"]))
    functions = section(3, vector([b"\x00"] * count))
    memory = section(5, vector([b"\x00\x01"]))
    exports = section(7, vector([b"\x04main\x00\x00"]))
    code = section(10, vector([body(i, count) for i in range(count)]))
    with open(output, "wb") as f:
        f.write(b"\x00asm\x01\x00\x00\x00" + types + functions + memory + exports + code)
    print(f"{output}: {count} functions")


if __name__ == "__main__":
    main()
