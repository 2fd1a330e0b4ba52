#!/usr/bin/env python3
"""Trunk post-build hook: in release builds, drop the wasm "name" custom section (function
names for stack traces, about a sixth of the module) from the staged .wasm files.
Dev builds keep it so panics show readable backtraces."""
import glob
import os
import sys


def leb128(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def strip(path):
    data = open(path, "rb").read()
    if data[:4] != b"\0asm":
        sys.exit(f"{path}: not a wasm module")
    out = bytearray(data[:8])
    i = 8
    while i < len(data):
        start = i
        section_id = data[i]
        size, body = leb128(data, i + 1)
        end = body + size
        if section_id == 0:
            name_len, name_at = leb128(data, body)
            if data[name_at:name_at + name_len] == b"name":
                i = end
                continue
        out += data[start:end]
        i = end
    open(path, "wb").write(out)
    print(f"strip-wasm-names: {path}: {len(data)} -> {len(out)} bytes")


if os.environ.get("TRUNK_PROFILE") == "release":
    for path in glob.glob(os.path.join(os.environ["TRUNK_STAGING_DIR"], "*.wasm")):
        strip(path)
