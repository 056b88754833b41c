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

from gen import certs, csrs, keys, kubeadm_parity, pki, text, trust_names  # noqa: E402
from gen.corpus import Corpus  # noqa: E402

GENERATED = ["certs", "ca-certs", "csrs", "keys", "durations", "pkcs11-uris", "key-uris", "configs"]


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
    # --- Trust issue, items 4/10/12 (name policy, invisible characters, one object per file):
    # gen/trust_names.py; all must fail through the verbs named, like the rest of the corpus.
    trust_names.add(corpus, leaf_key, ca_key, ca_cert)
    # --- end of trust-issue block
    # --- Trust issue, items 15/16 (kubeadm parity: Ed25519, endpoint, bindPort): gen/kubeadm_parity.py
    kubeadm_parity.add(corpus)
    # --- end of kubeadm parity block
    corpus.write_manifest()
    print("%d hostile inputs written to %s" % (len(corpus.entries), HERE))


if __name__ == "__main__":
    main()
