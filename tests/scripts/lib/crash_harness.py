#!/usr/bin/env python3
"""crash_harness.py SCENARIO WORKDIR: SIGKILL a PKI build at random moments, then check the disk.

A scenario is a shell snippet that builds (or renews) a tree in the current directory, a
preparation snippet, and the files a finished tree has. Each iteration: prepare a fresh
directory, start the build in its own process group, kill the whole group after a random delay
within the measured length of one build, check every file present (check_pki_tree), re-run the
build uninterrupted and check that the tree is complete. Timing only decides where a kill lands;
the verdict depends on file contents alone. Env: KPKI, KPKI_CRASH_ITERATIONS, KPKI_CRASH_SEED.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_pki_tree  # noqa: E402
import crash_scenarios  # noqa: E402


def run(script, cwd, env):
    return subprocess.run(["bash", "-euc", script], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)


def build_killed_after(script, cwd, env, delay):
    """Runs `script` in `cwd` and SIGKILLs its whole process group after `delay` seconds;
    True when it was still running then (killed mid-build), False when it had finished."""
    proc = subprocess.Popen(["bash", "-euc", script], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return killed


def listing(root):
    """Every non-temporary file under `root`, relative."""
    out = []
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not (d.startswith(".") and d.endswith(".tmp"))]
        out += [os.path.relpath(os.path.join(dirpath, f), root) for f in files
                if not (f.startswith(".") and f.endswith(".tmp"))]
    return sorted(out)


def main(argv):
    name, work = argv[1], argv[2]
    scenario = crash_scenarios.SCENARIOS[name]
    iterations = int(os.environ.get("KPKI_CRASH_ITERATIONS", "200"))
    seed = int(os.environ.get("KPKI_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    env = dict(os.environ)
    env["KPKI_SOURCE_DIR"] = env.get("KPKI_SOURCE_DIR", "")
    failures = []

    def fresh(tag):
        d = os.path.join(work, "%s-%s" % (name, tag))
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        prep = run(scenario["prepare"], d, env)
        if prep.returncode != 0:
            sys.exit("%s: preparation failed: %s" % (name, prep.stderr))
        return d

    d = fresh("size")
    start = time.monotonic()
    first = run(scenario["build"], d, env)
    window = time.monotonic() - start
    if first.returncode != 0:
        sys.exit("%s: uninterrupted build failed: %s" % (name, first.stderr.strip()))
    expect = scenario.get("expect") or listing(d)  # None: whatever a finished build holds
    problems, _, _ = check_pki_tree.check(d, expect)
    failures += ["uninterrupted build: " + p for p in problems]
    print("%s: seed %d; one build takes %.0f ms; %d kills within it" %
          (name, seed, window * 1000, iterations))

    killed = temps = pending = 0
    for i in range(iterations):
        d = fresh(i)
        delay = rng.uniform(0, window * 1.05)
        if build_killed_after(scenario["build"], d, env, delay):
            killed += 1
        problems, left, between = check_pki_tree.check(d)
        temps += left
        pending += between
        failures += ["#%d killed at %.0f ms: %s" % (i, delay * 1000, p) for p in problems]
        rerun = run(scenario["build"], d, env)
        if rerun.returncode != 0:
            failures.append("#%d re-run failed: %s" % (i, rerun.stderr.strip()[-300:]))
        problems, _, _ = check_pki_tree.check(d, expect)
        failures += ["#%d after re-run: %s" % (i, p) for p in problems]
        shutil.rmtree(d)
    for f in failures[:40]:
        print("FAIL: %s: %s" % (name, f))
    print("%s: %d runs, %d killed mid-build, %d leftover temp files, %d kills between the two "
          "renames of a key/certificate pair, %d problems" %
          (name, iterations, killed, temps, pending, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
