#!/usr/bin/env python3
"""Checks of a tree under `kpki ca rotate` (used by ca_rotate_cli.sh and the kube_*_rotate tests).

  rotation_check.py trust OUT CA EXPECTED.pem...   every trust file of CA holds exactly these
                                                   certificates, in this order (kubeconfigs'
                                                   certificate-authority-data for the cluster CA)
  rotation_check.py leaves OUT CA CAFILE [--not]   every leaf of CA on every node verifies under
                                                   CAFILE (openssl verify); --not: none does
Prints one line per problem; exit 1 if any.
"""
import base64
import glob
import os
import re
import subprocess
import sys
import tempfile

TRUST = {"ca": "pki/ca.crt", "etcd-ca": "pki/etcd/ca.crt", "front-proxy-ca": "pki/front-proxy-ca.crt"}
LEAVES = {
    "ca": ["pki/apiserver.crt", "pki/apiserver-kubelet-client.crt", "kubelet/kubelet.crt"],
    "etcd-ca": ["pki/etcd/server.crt", "pki/etcd/peer.crt", "pki/etcd/healthcheck-client.crt",
                "pki/apiserver-etcd-client.crt"],
    "front-proxy-ca": ["pki/front-proxy-client.crt"],
}
PEM = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n?", re.S)


def certs(text):
    return [m.group(0).strip() for m in PEM.finditer(text)]


def kubeconfig_field(path, field):
    for line in open(path):
        line = line.strip()
        if line.startswith(field + ":"):
            return base64.b64decode(line.split(":", 1)[1].strip()).decode()
    raise SystemExit(f"{path}: no {field}")


def nodes(out):
    return sorted(glob.glob(os.path.join(out, "nodes", "*")))


def kubeconfigs(node):
    return sorted(glob.glob(os.path.join(node, "*.conf")))


def check_trust(out, ca, expected_files):
    expected = [certs(open(f).read())[0] for f in expected_files]
    problems = []
    for node in nodes(out):
        files = [os.path.join(node, TRUST[ca])]
        for path in files:
            if not os.path.exists(path):
                continue  # workers hold no etcd / front-proxy CA
            got = certs(open(path).read())
            if got != expected:
                problems.append(f"{path}: {len(got)} certificate(s), not the {len(expected)} expected")
        if ca == "ca":
            for conf in kubeconfigs(node):
                got = certs(kubeconfig_field(conf, "certificate-authority-data"))
                if got != expected:
                    problems.append(f"{conf}: certificate-authority-data holds {len(got)}, not the expected")
    return problems


def check_leaves(out, ca, cafile, negate):
    problems, checked = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for node in nodes(out):
            paths = [os.path.join(node, p) for p in LEAVES[ca]]
            if ca == "ca":
                for conf in kubeconfigs(node):
                    extracted = os.path.join(tmp, os.path.basename(node) + "-" + os.path.basename(conf))
                    with open(extracted, "w") as f:
                        f.write(kubeconfig_field(conf, "client-certificate-data"))
                    paths.append(extracted)
            for path in paths:
                if not os.path.exists(path):
                    continue
                checked += 1
                ok = subprocess.run(["openssl", "verify", "-CAfile", cafile, path],
                                    capture_output=True).returncode == 0
                if ok == negate:
                    problems.append(f"{path}: {'verifies' if ok else 'does not verify'} under {cafile}")
    if checked == 0:
        problems.append(f"no leaf of {ca} found under {out}")
    return problems


def main():
    what, out, ca = sys.argv[1:4]
    if what == "trust":
        problems = check_trust(out, ca, sys.argv[4:])
    else:
        problems = check_leaves(out, ca, sys.argv[4], "--not" in sys.argv[5:])
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
