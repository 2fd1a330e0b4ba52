#!/usr/bin/env python3
"""Trunk post-build step (run by scripts/sw-manifest.py before it lists the build's files): the
page runs under a Content-Security-Policy that allows only its own files.

Trunk 0.21 starts the wasm with an inline module script (trunk-rs/trunk issue 288: no option
to emit it as a file). That script moves into its own file, `start-HASH.js` (HASH: of its
text), loaded with `<script type="module" src>`; then the policy goes into the built
index.html as a `<meta http-equiv="Content-Security-Policy">`, first in `<head>` after the
charset so that it covers every element after it. The build fails if any inline script,
`<style>` element or `style` attribute is left in index.html: the policy would refuse it."""
import hashlib
import os
import re
import sys

# What the page needs, and no more:
# - script-src: its own files; 'wasm-unsafe-eval' compiles the wasm (not JavaScript eval).
# - style-src: its own style sheet; no inline style (the timeline sets positions through the
#   CSS object model, which the policy does not govern).
# - img-src: its own icon; data: and blob: for the charts exported as PNG.
# - connect-src: the wasm, the lessons (fetch), all from the site.
# - worker-src: the service worker, static/sw.js.
# frame-ancestors is not allowed in a meta element (browsers ignore it there), and the page is
# meant to be embedded (`?embed=1`), so it is not set.
POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
])

INLINE = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)


def main() -> None:
    staging = os.environ["TRUNK_STAGING_DIR"]
    public_url = os.environ.get("TRUNK_PUBLIC_URL", "/")
    index = os.path.join(staging, "index.html")
    html = open(index, encoding="utf-8").read()
    scripts = INLINE.findall(html)
    if len(scripts) != 1 or "module" not in scripts[0][0]:
        sys.exit(f"csp: expected Trunk's one inline module script in index.html, found {len(scripts)}")
    code = scripts[0][1].strip() + "\n"
    name = f"start-{hashlib.sha256(code.encode()).hexdigest()[:16]}.js"
    with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
        f.write("// Starts the wasm (Trunk's start-up script, moved out of index.html by scripts/csp.py).\n")
        f.write(code)
    tag = f'<script type="module" src="{public_url.rstrip("/")}/{name}"></script>'
    html = INLINE.sub(lambda _: tag, html, count=1)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}" />'
    html, n = re.subn(r"(<meta charset=[^>]*>)", lambda m: m.group(1) + "\n    " + meta, html, count=1)
    if n != 1:
        sys.exit("csp: no <meta charset> in index.html to put the policy after")
    if INLINE.search(html) or re.search(r"<style\b|\sstyle=", html, re.I):
        sys.exit("csp: index.html still has inline script or style, which the policy refuses")
    open(index, "w", encoding="utf-8").write(html)
    print(f"csp: {name}, policy set")


if __name__ == "__main__":
    main()
