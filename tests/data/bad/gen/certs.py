"""Hostile certificates: broken encodings, wrong file types, bad signatures, hostile content and
CA certificates kpki must refuse to issue with."""
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtensionOID

from . import der as D
from . import mutate
from . import pki

ECDSA_SHA256 = D.tlv(0x30, D.tlv(0x06, bytes.fromhex("2a8648ce3d040302")))


def resign(tbs, key):
    """Signs arbitrary (possibly hostile) TBS bytes properly, so only the content is at fault."""
    sig = key.sign(tbs, ec.ECDSA(hashes.SHA256()))
    return D.tlv(0x30, tbs + ECDSA_SHA256 + D.tlv(0x03, b"\x00" + sig))


def tbs_with(cert, old, new):
    tbs = cert.tbs_certificate_bytes
    assert old in tbs, old
    body = D.content(tbs).replace(old, new, 1)
    return D.tlv(0x30, body)


def raw_ext(oid, value_der, critical=False):
    return (x509.UnrecognizedExtension(oid, value_der), critical)


def add(corpus, ca_key, ca_cert, other_key):
    leaf_key = pki.ec_key()
    leaf = pki.certificate(pki.name("leaf.example.com"), leaf_key.public_key(), ca_cert.subject,
                           ca_key, pki.leaf_extensions())
    leaf_der = pki.der(leaf)
    corpus.fixture("leaf.crt", pki.pem(leaf))
    corpus.fixture("leaf.csr", pki.pem(pki.csr(leaf_key, pki.name("leaf.example.com"))))

    malformed = ("inspect", "ca-cert", "verify", "trust")
    broken = mutate.structural(leaf_der)
    for n, data in broken + mutate.garbage():
        corpus.add("certs/malformed/" + n, data, *malformed)
    for n, data in mutate.pem_wrapped("CERTIFICATE", broken) + mutate.pem_junk("CERTIFICATE", leaf_der):
        corpus.add("certs/malformed/" + n, data, *malformed)

    # Not certificates at all: kpki must say so wherever it expects one.
    wrong = ("ca-cert", "verify", "trust")
    csr = pki.csr(leaf_key, pki.name("csr"))
    corpus.add("certs/wrong-type/csr.der", pki.der(csr), *wrong)
    corpus.add("certs/wrong-type/csr.pem", pki.pem(csr), *wrong)
    corpus.add("certs/wrong-type/csr-labelled-certificate.pem", D.pem("CERTIFICATE", pki.der(csr)), "inspect", *wrong)
    corpus.add("certs/wrong-type/private-key.pem", pki.key_pem(leaf_key), "inspect", *wrong)
    pub = leaf_key.public_key().public_bytes(pki.PEM, pki.serialization.PublicFormat.SubjectPublicKeyInfo)
    corpus.add("certs/wrong-type/public-key.pem", pub, *wrong)
    corpus.add("certs/wrong-type/pkcs7-label.pem", D.pem("PKCS7", leaf_der), "inspect", *wrong)
    corpus.add("certs/wrong-type/x509-crl-label.pem", D.pem("X509 CRL", leaf_der), "inspect", *wrong)
    corpus.add("certs/wrong-type/text.txt", "this is not a certificate\n", "inspect", *wrong)

    # Well-formed, but the signature or validity does not hold.
    unverifiable = ("verify",)
    corpus.add("certs/bad-signature/flipped-signature.der", D.flip_byte(leaf_der, len(leaf_der) - 1), *unverifiable)
    tampered = tbs_with(leaf, b"leaf.example.com", b"evil.example.com")
    sig_part = leaf_der[len(leaf_der) - len(b"".join(D.children(leaf_der)[1:])):]
    corpus.add("certs/bad-signature/tampered-tbs.der", D.tlv(0x30, tampered + sig_part), *unverifiable)
    forged = pki.certificate(pki.name("forged"), leaf_key.public_key(), ca_cert.subject, other_key, pki.leaf_extensions())
    corpus.add("certs/bad-signature/wrong-issuer-key.pem", pki.pem(forged), *unverifiable)
    expired = pki.certificate(pki.name("expired"), leaf_key.public_key(), ca_cert.subject, ca_key, pki.leaf_extensions(),
                              not_before=pki.NOW - 30 * pki.DAY, not_after=pki.NOW - 2 * pki.DAY)
    corpus.add("certs/bad-signature/expired-leaf.pem", pki.pem(expired), *unverifiable)
    future = pki.certificate(pki.name("future"), leaf_key.public_key(), ca_cert.subject, ca_key, pki.leaf_extensions(),
                             not_before=pki.NOW + 365 * pki.DAY, not_after=pki.NOW + 730 * pki.DAY)
    corpus.add("certs/bad-signature/not-yet-valid-leaf.pem", pki.pem(future), *unverifiable)
    critical = pki.certificate(pki.name("crit"), leaf_key.public_key(), ca_cert.subject, ca_key,
                               pki.leaf_extensions() + [raw_ext(x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x05\x00", True)])
    corpus.add("certs/bad-signature/unknown-critical-extension.pem", pki.pem(critical), *unverifiable)
    # A second basicConstraints: written under a private OID, renamed, signed properly.
    dup = pki.certificate(pki.name("dup"), leaf_key.public_key(), ca_cert.subject, ca_key,
                          pki.leaf_extensions() + [raw_ext(x509.ObjectIdentifier("2.5.29.99"), b"\x30\x00", True)])
    dup_tbs = dup.tbs_certificate_bytes.replace(b"\x06\x03\x55\x1d\x63", b"\x06\x03\x55\x1d\x13")
    corpus.add("certs/bad-signature/duplicate-extension.der", resign(dup_tbs, ca_key), *unverifiable)

    # Properly signed by the corpus CA, hostile content.
    many = pki.certificate(pki.name("many-sans"), leaf_key.public_key(), ca_cert.subject, ca_key,
                           pki.leaf_extensions(["h%d.example.com" % i for i in range(5000)]))
    corpus.add("certs/hostile/5000-sans.pem", pki.pem(many), "inspect")
    bad_ip = pki.certificate(pki.name("bad-ip"), leaf_key.public_key(), ca_cert.subject, ca_key, pki.leaf_extensions(None) +
                             [raw_ext(ExtensionOID.SUBJECT_ALTERNATIVE_NAME, D.tlv(0x30, D.tlv(0x87, b"\x0a\x00\x00\x01\x05")))])
    corpus.add("certs/hostile/ip-san-5-bytes.pem", pki.pem(bad_ip), "verify")
    not_after = D.children(D.children(leaf.tbs_certificate_bytes)[4])[1]
    bad_time = b"491332000000Z" if not_after[0] == 0x17 else b"20991332000000Z"
    month13 = tbs_with(leaf, not_after, D.tlv(not_after[0], bad_time))
    corpus.add("certs/hostile/notafter-month-13.der", resign(month13, ca_key), "verify")
    serial = D.children(leaf.tbs_certificate_bytes)[1]
    for label, value in [("negative", b"\xff\x01"), ("zero", b"\x00"), ("21-octets", b"\x01" + b"\x22" * 20),
                         ("empty", b"")]:
        corpus.add("certs/hostile/serial-%s.der" % label,
                   resign(tbs_with(leaf, serial, D.tlv(0x02, value)), ca_key), "verify")
    return leaf_key, leaf


def add_ca(corpus, ca_key, other_key):
    """CA certificates for the corpus CA key that kpki must refuse to issue with."""
    check = "ca-cert"
    now, day = pki.NOW, pki.DAY
    cases = {
        "expired.pem": pki.self_signed_ca(ca_key, not_before=now - 20 * day, not_after=now - day),
        "not-yet-valid.pem": pki.self_signed_ca(ca_key, not_before=now + 10 * day, not_after=now + 20 * day),
        "ca-false.pem": pki.self_signed_ca(ca_key, extensions=pki.ca_extensions(ca=False)),
        "no-basic-constraints.pem": pki.self_signed_ca(ca_key, extensions=pki.ca_extensions()[1:]),
        "no-keycertsign.pem": pki.self_signed_ca(ca_key, extensions=pki.ca_extensions(key_cert_sign=False)),
        "other-key.pem": pki.self_signed_ca(other_key),
    }
    for n, cert in cases.items():
        corpus.add("ca-certs/" + n, pki.pem(cert), check)
    good = pki.der(pki.self_signed_ca(ca_key))
    corpus.add("ca-certs/bad-self-signature.der", D.flip_byte(good, len(good) - 1), check)
    tampered = D.content(D.children(good)[0]).replace(b"bad-corpus-ca", b"bad-corpus-cb")
    corpus.add("ca-certs/tampered-self-signed.der",
               D.tlv(0x30, D.tlv(0x30, tampered) + b"".join(D.children(good)[1:])), check)
