#!/usr/bin/env python3
"""Trunk post-build hook: fills the service worker (static/sw.js, staged as sw.js) with the
build's files to cache and a hash of the build.

The hash covers every staged file's path and, except the wasm (whose name already carries
Trunk's hash of its content, and which the name-stripping hook may be rewriting meanwhile),
its content: a new build gives a new worker and a new cache name. Dev and release builds
alike: the worker fetches from the network first."""
import glob
import hashlib
import json
import os
import sys

# First the start-up script out of index.html and the Content-Security-Policy in (scripts/csp.py):
# the start-up file is then one of the files listed. Trunk runs the hooks of one stage side by
# side, so this is a step here, not a hook of its own.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in scripts/
import csp  # noqa: E402

csp.main()

staging = os.environ["TRUNK_STAGING_DIR"]
sw = os.path.join(staging, "sw.js")
if not os.path.exists(sw):
    sys.exit("sw-manifest: no sw.js in the staged build (index.html copies static/sw.js)")
files = []
digest = hashlib.sha256()
for path in sorted(glob.glob(os.path.join(staging, "**", "*"), recursive=True)):
    rel = os.path.relpath(path, staging).replace(os.sep, "/")
    if os.path.isdir(path) or rel == "sw.js":
        continue
    files.append(rel)
    digest.update(rel.encode() + b"\0")
    if not rel.endswith(".wasm"):
        digest.update(open(path, "rb").read())
build = digest.hexdigest()[:16]
text = open(sw, encoding="utf-8").read()
if "__BROOK_BUILD__" not in text or "__BROOK_FILES__" not in text:
    sys.exit("sw-manifest: sw.js lacks its placeholders")
text = text.replace("__BROOK_BUILD__", build).replace("__BROOK_FILES__", json.dumps(["./"] + files))
open(sw, "w", encoding="utf-8").write(text)
print(f"sw-manifest: build {build}, {len(files)} files")
