#!/usr/bin/env python3
"""ledger_crash.py SCENARIO WORKDIR: SIGKILL `kpki issue`/`ca create` runs or `kpki init` at
random moments and check that the issuance ledger and the files agree.

Reuses crash_scenarios.py's builds ("verbs": ca create + four issues, ledger beside ca.crt;
"init": a two-node cluster, ledger OUT/ledger.db). After each kill:
  1. every certificate in a file on disk has a record (records are stored before files appear);
  2. `kpki ledger reconcile` leaves no record incomplete; each released record's destination
     holds its certificate, and no destination holds an abandoned one;
then the build is re-run to completion and every certificate on disk has a released record, no
record is incomplete and no serial is recorded twice. Timing decides only where a kill lands.
Env: KPKI, KPKI_LEDGER_CRASH_ITERATIONS (default 30), KPKI_CRASH_SEED.
"""
import base64
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time

import yaml
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash_harness  # noqa: E402
import crash_scenarios  # noqa: E402

LEDGER = {"verbs": "ledger.db", "init": "out/ledger.db"}


def run(cmd, cwd, env):
    return subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)


def certificates_in(path):
    """DER of every certificate a .crt or kubeconfig holds; [] for a torn or foreign file."""
    try:
        data = open(path, "rb").read()
        if path.endswith(".crt"):
            return [x509.load_pem_x509_certificate(data).public_bytes(Encoding.DER)]
        if path.endswith(".conf"):
            user = yaml.safe_load(data)["users"][0]["user"]
            pem = base64.b64decode(user["client-certificate-data"])
            return [x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)]
    except Exception:  # noqa: BLE001 - torn files are the crash harness's business, not ours
        pass
    return []


def files_on_disk(root):
    out = {}
    for dirpath, dirs, names in os.walk(root):
        # Hidden: temporaries, and the stand-in of a new directory a kill left (its files were
        # never at their destinations: core/issue/staged_directories.h).
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for n in names:
            if n.startswith(".") or not (n.endswith(".crt") or n.endswith(".conf")):
                continue
            p = os.path.join(dirpath, n)
            for der in certificates_in(p):
                out.setdefault(hashlib.sha256(der).hexdigest(), []).append(p)
    return out


def records(kpki, d, ledger, env):
    if not os.path.exists(os.path.join(d, ledger)):
        return []
    r = run([kpki, "ledger", "list", "--ledger", ledger, "-o", "json"], d, env)
    if r.returncode != 0:
        raise RuntimeError("ledger list: " + r.stderr.strip())
    return json.loads(r.stdout)["items"]  # an IssuanceRecordList (docs/json.md)


def holds(path, sha):
    return any(hashlib.sha256(der).hexdigest() == sha for der in certificates_in(path))


def main(argv):
    name, work = argv[1], argv[2]
    kpki = os.environ["KPKI"]
    scenario = crash_scenarios.SCENARIOS[name]
    ledger = LEDGER[name]
    iterations = int(os.environ.get("KPKI_LEDGER_CRASH_ITERATIONS", "30"))
    seed = int(os.environ.get("KPKI_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    env = dict(os.environ)
    env.pop("KPKI_LEDGER", None)
    failures = []

    def fresh(tag):
        d = os.path.join(work, "ledger-%s-%s" % (name, tag))
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        if run(["bash", "-euc", scenario["prepare"]], d, env).returncode != 0:
            sys.exit("%s: preparation failed" % name)
        return d

    d = fresh("size")
    start = time.monotonic()
    if run(["bash", "-euc", scenario["build"]], d, env).returncode != 0:
        sys.exit("%s: uninterrupted build failed" % name)
    window = time.monotonic() - start
    print("%s: seed %d; one build takes %.0f ms; %d kills within it" %
          (name, seed, window * 1000, iterations))

    killed = settled_abandoned = 0
    for i in range(iterations):
        d = fresh(i)
        delay = rng.uniform(0, window * 1.05)
        if crash_harness.build_killed_after(scenario["build"], d, env, delay):
            killed += 1
        tag = "#%d killed at %.0f ms" % (i, delay * 1000)
        try:
            # 1. Nothing on disk without a record.
            recorded = {r["sha256"] for r in records(kpki, d, ledger, env)}
            for sha, paths in files_on_disk(d).items():
                if sha not in recorded:
                    failures.append("%s: %s holds a certificate the ledger lacks" % (tag, paths[0]))
            # 2. Reconcile settles everything, truthfully.
            if os.path.exists(os.path.join(d, ledger)):
                r = run([kpki, "ledger", "reconcile", "--ledger", ledger], d, env)
                if r.returncode != 0:
                    failures.append("%s: reconcile failed: %s" % (tag, r.stderr.strip()))
            for rec in records(kpki, d, ledger, env):
                state, dests = rec["state"], rec["destinations"]
                held = any(holds(p, rec["sha256"]) for p in dests)
                if state == "incomplete":
                    failures.append("%s: %s still incomplete after reconcile" % (tag, rec["subject"]))
                elif state == "released" and not held:
                    failures.append("%s: released %s but no destination holds it" % (tag, rec["subject"]))
                elif state == "abandoned":
                    settled_abandoned += 1
                    if held:
                        failures.append("%s: abandoned %s is in %s" % (tag, rec["subject"], dests))
            # 3. A plain re-run completes; afterwards files and ledger agree exactly.
            rerun = run(["bash", "-euc", scenario["build"]], d, env)
            if rerun.returncode != 0:
                failures.append("%s: re-run failed: %s" % (tag, rerun.stderr.strip()[-300:]))
            recs = records(kpki, d, ledger, env)
            released = {r["sha256"] for r in recs if r["state"] == "released"}
            for sha, paths in files_on_disk(d).items():
                if sha not in released:
                    failures.append("%s, after re-run: %s has no released record" % (tag, paths[0]))
            if any(r["state"] == "incomplete" for r in recs):
                failures.append("%s, after re-run: incomplete records remain" % tag)
            keys = [(r["issuerKeyId"], r["serial"]) for r in recs]
            if len(keys) != len(set(keys)):
                failures.append("%s, after re-run: a serial is recorded twice" % tag)
        except RuntimeError as e:
            failures.append("%s: %s" % (tag, e))
        shutil.rmtree(d)
    for f in failures[:40]:
        print("FAIL: ledger %s: %s" % (name, f))
    print("ledger %s: %d runs, %d killed mid-build, %d abandoned records settled, %d problems" %
          (name, iterations, killed, settled_abandoned, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
