#!/usr/bin/env python3
"""check_layers.py SOURCE_DIR [STAMP]: fails when a core folder includes a folder above it.

core/ is layered, lowest first (docs/architecture.md, "Layers"): a file may include its own
folder and the folders below it, never one above, and core never includes backends/ or cli/.
Run at build time (kpki_core depends on it) and by the test suite (core_layers)."""
import os
import re
import sys

LAYERS = ["util", "fs", "x509", "keys", "issue", "config", "policy", "ledger", "kubernetes"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path):
    parts = path.split("/")
    if parts[0] != "core" or len(parts) < 3:
        return None
    return parts[1]


def violations(root):
    found = []
    for dirpath, _, files in os.walk(os.path.join(root, "core")):
        for name in files:
            if not name.endswith((".h", ".cpp", ".inc")):
                continue
            path = os.path.relpath(os.path.join(dirpath, name), root)
            own = layer_of(path)
            if own not in LAYERS:
                found.append("%s: a core file outside the layer folders %s" % (path, LAYERS))
                continue
            with open(os.path.join(root, path), encoding="utf-8") as f:
                text = f.read()
            for inc in INCLUDE.findall(text):
                top = inc.split("/")[0]
                if top in ("backends", "cli", "bench", "tests"):
                    found.append("%s includes %s: core includes no %s/" % (path, inc, top))
                elif top == "core":
                    target = layer_of(inc)
                    if target not in LAYERS:
                        found.append("%s includes %s: not in a layer folder" % (path, inc))
                    elif LAYERS.index(target) > LAYERS.index(own):
                        found.append("%s (layer %s) includes %s (layer %s, above it)" %
                                     (path, own, inc, target))
    return sorted(found)


def main(argv):
    found = violations(argv[1])
    for v in found:
        print("core layering: " + v, file=sys.stderr)
    if found:
        return 1
    if len(argv) > 2:
        open(argv[2], "w").close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
