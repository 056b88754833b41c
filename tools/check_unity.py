#!/usr/bin/env python3
"""check_unity.py BUILD_DIR: fails when two files of one unity unit define the same local name.

A unity build (cmake/KpkiUnity.cmake) compiles several .cpp files as one unit, so what each file
keeps to itself (its anonymous namespace, its `static` functions and variables) shares one scope.
The same name with the same signature fails the compile; with other parameters it becomes an
overload, and a call in one file may silently pick the other file's function. This reads the
units CMake wrote (BUILD_DIR/**/Unity/unity_*.cxx) and lists the names defined in more than one of
a unit's files. Files are clang-formatted, so a namespace's members start at column 0."""
import os
import re
import sys

INCLUDE = re.compile(r'^#include\s+"([^"]+)"', re.M)
TYPE = re.compile(r"^(?:template\s*<.*>\s*)?(?:struct|class|union|enum(?:\s+class)?)\s+(\w+)")
ALIAS = re.compile(r"^using\s+(\w+)\s*=")
FUNCTION = re.compile(r"^[^=(]*?([A-Za-z_]\w*)\s*\(")
VARIABLE = re.compile(r"^[^=(]*?([A-Za-z_]\w*)\s*(?:=|\{|\[)")
NOT_NAMES = {"if", "for", "while", "return", "switch", "operator", "sizeof", "decltype"}
# Macros at column 0 that are not definitions of the file's own.
MACROS = re.compile(r"^[A-Z][A-Z0-9_]*\s*\(")


def local_names(path):
    """Names a file defines in an anonymous namespace or as static at namespace scope."""
    names = set()
    inside = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if re.match(r"^namespace\s*\{", line):
                inside = True
                continue
            if inside and re.match(r"^\}\s*//\s*namespace\s*$", line):
                inside = False
                continue
            if not line or line[0] in " \t}#/":
                continue
            if not (inside or line.startswith("static ")) or MACROS.match(line):
                continue
            for pattern in (TYPE, ALIAS, FUNCTION, VARIABLE):
                m = pattern.match(line)
                if m and m.group(1) not in NOT_NAMES:
                    names.add(m.group(1))
                    break
    return names


def clashes(build_dir):
    found = []
    units = 0
    for dirpath, _, files in os.walk(build_dir):
        if os.path.basename(dirpath) != "Unity":
            continue
        for name in sorted(files):
            if not re.match(r"unity_\d+_cxx\.cxx$", name):
                continue
            units += 1
            unit = os.path.join(dirpath, name)
            with open(unit, encoding="utf-8") as f:
                sources = INCLUDE.findall(f.read())
            owners = {}
            for source in sources:
                for n in local_names(source):
                    owners.setdefault(n, []).append(source)
            for n, paths in sorted(owners.items()):
                if len(paths) > 1:
                    found.append(f"{unit}: '{n}' is defined in " + " and ".join(paths))
    return units, found


def main():
    if len(sys.argv) != 2:
        print("usage: check_unity.py BUILD_DIR", file=sys.stderr)
        return 2
    units, found = clashes(sys.argv[1])
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} local name(s) shared inside a unity unit: rename one of each pair "
              "(or set SKIP_UNITY_BUILD_INCLUSION on a file)", file=sys.stderr)
        return 1
    print(f"check_unity: {units} unity units, no shared local names")
    return 0


if __name__ == "__main__":
    sys.exit(main())
