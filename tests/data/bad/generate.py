#!/usr/bin/env python3
"""Regenerates the hostile-input corpus in this directory and its MANIFEST.

Run from anywhere: python3 tests/data/bad/generate.py. The fixture keys in fixtures/ are reused
when present, so regenerating changes signatures and random bytes but not which checks apply.
tests/scripts/hardening_bad_inputs.sh runs every MANIFEST entry through the kpki verbs it names.
"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from gen import certs, csrs, keys, pki, text  # noqa: E402
from gen.corpus import Corpus  # noqa: E402

GENERATED = ["certs", "ca-certs", "csrs", "keys", "durations", "pkcs11-uris", "key-uris", "configs"]

# --- Trust issue, kubeadm parity (items 15, 16): configs kubeadm could not use -------------------
_KUBE_HEAD = "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\n"
_KUBE_TWO_CP = ("nodes:\n  - {name: cp1, address: 127.0.0.1}\n"
                "  - {name: cp2, address: 127.0.0.2}\n")
KUBEADM_PARITY_CONFIGS = {
    # kubeadm cannot load Ed25519 keys (TryLoadKeyFromDisk: RSA or ECDSA only).
    "algorithm-ed25519.yaml": _KUBE_HEAD + "controlPlaneEndpoint: lb.example.com\n"
                              "encryptionAlgorithm: ED25519\n" + _KUBE_TWO_CP,
    "kubeadm-algorithm-ed25519.yaml":
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
        "nodeRegistration: {name: n1}\nlocalAPIEndpoint: {advertiseAddress: 10.1.2.3}\n---\n"
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
        "encryptionAlgorithm: ed25519\n",
    # Several control-plane nodes and no stable endpoint: kubeadm cannot join the second.
    "several-control-planes-no-endpoint.yaml": _KUBE_HEAD + _KUBE_TWO_CP,
    "bind-port-out-of-range.yaml": _KUBE_HEAD + "nodes:\n  - {name: cp1, address: 127.0.0.1, "
                                   "bindPort: 65536}\n",
}


def add_kubeadm_parity(corpus):
    for name, text in KUBEADM_PARITY_CONFIGS.items():
        corpus.add("configs/" + name, text, "config")
# --- end of the kubeadm parity block --------------------------------------------------------------


def main():
    for d in GENERATED:
        shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)
    corpus = Corpus(HERE)
    ca_key = pki.load_or_make_key(os.path.join(HERE, "fixtures", "ca.key"), pki.ec_key)
    other_key = pki.load_or_make_key(os.path.join(HERE, "fixtures", "other.key"), pki.ec_key)
    ca_cert = pki.self_signed_ca(ca_key)
    corpus.fixture("ca.crt", pki.pem(ca_cert))
    leaf_key, _ = certs.add(corpus, ca_key, ca_cert, other_key)
    certs.add_ca(corpus, ca_key, other_key)
    csrs.add(corpus, leaf_key)
    keys.add(corpus, ca_cert)
    text.add(corpus)
    add_kubeadm_parity(corpus)
    corpus.write_manifest()
    print("%d hostile inputs written to %s" % (len(corpus.entries), HERE))


if __name__ == "__main__":
    main()
