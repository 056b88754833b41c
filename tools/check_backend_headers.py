#!/usr/bin/env python3
"""check_backend_headers.py SOURCE_DIR: fails when a file includes a backend's private header.

Each backend's folder (backends/openssl_file/, backends/botan/, backends/pkcs11/, ...) is private
to it (docs/architecture.md, "Public headers"); everyone else reaches a backend through the
public headers at the top of backends/ (backends.h, leaf_key_sources.h, ...). Allowed:
  - a backend's own files, and the backends it is built on (USES below);
  - the top level of backends/ (backends.cpp registers them all);
  - a test of that backend: a file under tests/ whose name starts with the backend's folder name
    (pkcs11_*_test.cpp, fuzz_pkcs11_*.cpp, ...), or one listed in TESTS_OF with its reason. A test
    of a backend may include what that backend may include.
Everything else (core/, cli/, bench/, examples/, other tests) includes no backends/<folder>/ header.
Run by the test suite (backend_headers)."""
import os
import re
import sys

# What each backend's folder is built on.
USES = {
    "schemes": set(),                             # the URI scheme descriptors, shared by all
    "openssl_file": {"schemes"},
    "botan": {"schemes"},
    "pkcs11": {"schemes", "openssl_file"},        # ca import parses PKCS#8 with OpenSSL
    "libp11": {"schemes", "pkcs11"},              # libp11 opens the pkcs11 driver's module
}

# Tests of a backend whose file name does not say so.
TESTS_OF = {
    "tests/support/softhsm_token.cpp": {"pkcs11"},  # makes the tokens the pkcs11 tests use
    "tests/unit/error_model_test.cpp": {"pkcs11"},  # CK_RV -> device_code mapping
    "tests/unit/files_and_keys_test.cpp": {"openssl_file"},  # the file backend's key files
    "tests/unit/hardening_names_test.cpp": {"openssl_file"},  # its key file validation
    "tests/unit/key_capabilities_test.cpp": {"openssl_file"},  # a build without PKCS#11
    "tests/unit/parsing_test.cpp": {"schemes"},  # the scheme descriptors' URI parsing
    "tests/unit/tree_write_path_test.cpp": {"openssl_file"},  # its P-256 leaf keys, byte for byte
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"backends/([^"/]+)/([^"]+)"', re.M)
SOURCES = (".h", ".cpp", ".inc", ".cc")
SKIP = {"build", ".git"}


def closure(folders):
    out, todo = set(), list(folders)
    while todo:
        f = todo.pop()
        if f not in out:
            out.add(f)
            todo.extend(USES.get(f, ()))
    return out


def allowed_for(path):
    parts = path.split("/")
    if parts[0] == "backends":
        if len(parts) == 2:
            return None  # backends.cpp and the public headers: all of them
        return closure({parts[1]})
    if parts[0] == "tests":
        if path in TESTS_OF:
            return closure(TESTS_OF[path])
        name = parts[-1]
        if name.startswith("fuzz_"):
            name = name[len("fuzz_"):]
        return closure({f for f in USES if name.startswith(f + "_")})
    return set()


def violations(root):
    found = []
    for dirpath, dirs, files in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        dirs[:] = [d for d in dirs if not (d in SKIP or d.startswith("build"))]
        if rel == ".":
            dirs[:] = [d for d in dirs if d in ("core", "backends", "cli", "bench", "tests",
                                                "examples", "tools")]
        for name in files:
            if not name.endswith(SOURCES):
                continue
            path = os.path.normpath(os.path.join(rel, name))
            allowed = allowed_for(path)
            if allowed is None:
                continue
            with open(os.path.join(root, path), encoding="utf-8") as f:
                text = f.read()
            for folder, header in INCLUDE.findall(text):
                if folder not in allowed:
                    found.append("%s includes backends/%s/%s: private to the %s backend (use a "
                                 "public header in backends/)" % (path, folder, header, folder))
    return sorted(found)


def main(argv):
    found = violations(argv[1])
    for v in found:
        print("backend headers: " + v, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
