#!/usr/bin/env python3
"""check_file_sizes.py SOURCE_DIR: fails when a C++ file of core/, backends/ or cli/ is over 300
lines without its reason written at its top.

Small files, one concept each (the developers' guide): a file over LIMIT lines must say why in a
comment among its first 5 lines that starts "// Over 300 lines:". Tests are not counted. Run by
the test suite (file_sizes)."""
import os
import sys

LIMIT = 300
ROOTS = ("core", "backends", "cli")
MARK = "// Over 300 lines:"
SKIP = ()  # nothing: every folder keeps the rule


def violations(root):
    found = []
    for top in ROOTS:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if not name.endswith((".h", ".cpp")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, name), root)
                if path.startswith(SKIP):
                    continue
                with open(os.path.join(root, path), encoding="utf-8") as f:
                    lines = f.read().splitlines()
                if len(lines) > LIMIT and not any(l.startswith(MARK) for l in lines[:5]):
                    found.append("%s: %d lines, and no '%s ...' reason at its top" %
                                 (path, len(lines), MARK))
    return sorted(found)


def main(argv):
    found = violations(argv[1])
    for v in found:
        print("file sizes: " + v, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
