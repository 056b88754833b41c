#!/usr/bin/env python3
"""check_pki_tree.py DIR [--expect REL]...: every file kpki left in DIR is whole and valid.

Certificates (*.crt) parse and chain to a CA certificate present in DIR (roots verify their own
signature); a certificate with a sibling key (X.crt + X.key) certifies exactly that key; keys
(*.key) and public keys (*.pub) parse; kubeconfigs (*.conf) are YAML whose embedded client
certificate matches its embedded key and chains to the embedded CA. Hidden *.tmp files and
directories are the remains of an interrupted atomic write: counted, never a target name. --expect names files that
must exist (the tree is complete). Prints one line per problem; exit 1 if there is any.
"""
import base64
import os
import sys

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization

PUB = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
problems = []  # filled by check(); module-level so the helpers stay small


def spki(key):
    return key.public_bytes(*PUB)


def load_cert(data, where):
    try:
        return x509.load_pem_x509_certificate(data)
    except Exception as e:  # noqa: BLE001 - any parse failure is the finding
        problems.append("%s: certificate does not parse: %s" % (where, e))


def load_key(data, where):
    try:
        return serialization.load_pem_private_key(data, None)
    except Exception as e:  # noqa: BLE001
        problems.append("%s: private key does not parse: %s" % (where, e))


def is_ca(cert):
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def chains(cert, cas):
    for ca in cas:
        if ca.subject != cert.issuer:
            continue
        try:
            cert.verify_directly_issued_by(ca)
            return True
        except Exception:  # noqa: BLE001 - try the next CA with that name
            continue
    return False


def check_kubeconfig(path, rel):
    try:
        doc = yaml.safe_load(open(path, "rb"))
        # During a CA rotation (kpki ca rotate) the embedded trust is a bundle: old + new.
        trust = base64.b64decode(doc["clusters"][0]["cluster"]["certificate-authority-data"])
        end = b"-----END CERTIFICATE-----"
        cas = [x509.load_pem_x509_certificate(block + end)
               for block in trust.split(end) if block.strip()]
        user = doc["users"][0]["user"]
        cert = x509.load_pem_x509_certificate(base64.b64decode(user["client-certificate-data"]))
        key = serialization.load_pem_private_key(base64.b64decode(user["client-key-data"]), None)
    except Exception as e:  # noqa: BLE001
        problems.append("%s: kubeconfig incomplete or invalid: %s" % (rel, e))
        return
    if spki(cert.public_key()) != spki(key.public_key()):
        problems.append("%s: client certificate does not match client key" % rel)
    if not chains(cert, cas):
        problems.append("%s: client certificate does not chain to its embedded CA" % rel)


def pending_certificate_matches(root, rel, key):
    """POSIX cannot rename two files at once. kpki writes a key and its certificate completely to
    temporary files first and renames them back to back (core/issue/file_group.h); a kill between the
    two renames leaves the new key beside the old certificate, with the new certificate whole in
    its temporary file. That state — and only that one — is recognised here and counted apart."""
    d, base = os.path.split(os.path.join(root, rel))
    for name in os.listdir(d):
        if name.startswith("." + base + ".") and name.endswith(".tmp"):
            try:
                cert = x509.load_pem_x509_certificate(open(os.path.join(d, name), "rb").read())
            except Exception:  # noqa: BLE001 - a torn temp is no excuse
                continue
            if spki(cert.public_key()) == spki(key.public_key()):
                return True
    return False


def check(root, expect=()):
    """Problems found in the tree at `root` (empty when it is whole), and the leftover temp count."""
    del problems[:]
    certs, keys, temps, pending = {}, {}, 0, 0
    for dirpath, dirs, files in os.walk(root):
        # A new directory is written under a hidden temporary name and renamed into place whole
        # (core/issue/staged_directories.h): a kill leaves it, as it leaves a temporary file.
        staged = [d for d in dirs if d.startswith(".") and d.endswith(".tmp")]
        temps += len(staged)
        dirs[:] = [d for d in dirs if d not in staged]
        for name in files:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            data = open(path, "rb").read()
            if name.startswith(".") and name.endswith(".tmp"):
                temps += 1
            elif name.endswith(".crt"):
                certs[rel] = load_cert(data, rel)
            elif name.endswith(".key"):
                keys[rel] = load_key(data, rel)
            elif name.endswith(".pub"):
                try:
                    serialization.load_pem_public_key(data)
                except Exception as e:  # noqa: BLE001
                    problems.append("%s: public key does not parse: %s" % (rel, e))
            elif name.endswith(".conf"):
                check_kubeconfig(path, rel)
    cas = [c for c in certs.values() if c is not None and is_ca(c)]
    for rel, cert in certs.items():
        if cert is None:
            continue
        if not chains(cert, cas):
            problems.append("%s: does not chain to a CA certificate in the tree" % rel)
        key = keys.get(rel[:-4] + ".key")
        if key is not None and spki(key.public_key()) != spki(cert.public_key()):
            if pending_certificate_matches(root, rel, key):
                pending += 1
            else:
                problems.append("%s: does not match %s" % (rel, rel[:-4] + ".key"))
    for rel in expect:
        if not os.path.exists(os.path.join(root, rel)):
            problems.append("%s: missing (tree incomplete)" % rel)
    return list(problems), temps, pending


def main(argv):
    expect = [argv[i + 1] for i, a in enumerate(argv) if a == "--expect"]
    found, temps, pending = check(argv[1], expect)
    for p in found:
        print(p)
    print("%d problems; %d leftover temp files; %d pairs between renames" % (len(found), temps, pending),
          file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
