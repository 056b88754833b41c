"""Hostile PKCS#10 requests: every one must make `kpki sign` fail with one line and write nothing."""
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, rsa
from cryptography.x509.oid import ExtensionOID, NameOID

from . import der as D
from . import mutate
from . import pki
from .certs import resign

SAN = ExtensionOID.SUBJECT_ALTERNATIVE_NAME


def raw_san(general_names_der):
    return (x509.UnrecognizedExtension(SAN, D.tlv(0x30, general_names_der)), False)


def unchecked_name(oid, value):
    # _validate=False lets us write what cryptography would refuse (over-long or malformed values).
    return x509.Name([x509.NameAttribute(oid, value, _validate=False)])


def add(corpus, leaf_key):
    check = "sign"
    good = pki.csr(leaf_key, pki.name("good-csr"),
                   [(x509.SubjectAlternativeName([x509.DNSName("good.example.com")]), False)])
    good_der = pki.der(good)
    broken = mutate.structural(good_der)
    for n, data in broken + mutate.garbage():
        corpus.add("csrs/malformed/" + n, data, check)
    for n, data in (mutate.pem_wrapped("CERTIFICATE REQUEST", broken) +
                    mutate.pem_junk("CERTIFICATE REQUEST", good_der)):
        corpus.add("csrs/malformed/" + n, data, check)

    corpus.add("csrs/bad-signature/flipped-signature.der", D.flip_byte(good_der, len(good_der) - 1), check)
    tampered = good_der.replace(b"good.example.com", b"evil.example.com")
    corpus.add("csrs/bad-signature/tampered-san.der", tampered, check)

    def signed(n, key, subject, extensions=()):
        corpus.add("csrs/" + n, pki.pem(pki.csr(key, subject, extensions)), check)

    sub = pki.name("weak")
    signed("weak-key/rsa-1024.pem", pki.weak_rsa_key(), sub)
    signed("weak-key/rsa-1536.pem", rsa.generate_private_key(public_exponent=65537, key_size=1536), sub)
    signed("weak-key/secp256k1.pem", ec.generate_private_key(ec.SECP256K1()), sub)
    signed("weak-key/dsa-2048.pem", dsa.generate_private_key(2048), sub)
    signed("weak-key/ed448.pem", ed448.Ed448PrivateKey.generate(), sub)

    k = leaf_key
    many = [x509.DNSName("h%d.example.com" % i) for i in range(5000)]
    signed("hostile/5000-sans.pem", k, pki.name("many"), [(x509.SubjectAlternativeName(many), False)])
    signed("hostile/san-ip-5-bytes.pem", k, pki.name("ip"), [raw_san(D.tlv(0x87, b"\x0a\x00\x00\x01\x05"))])
    signed("hostile/san-ip-empty.pem", k, pki.name("ip"), [raw_san(D.tlv(0x87, b""))])
    signed("hostile/san-dns-nul.pem", k, pki.name("nul"), [raw_san(D.tlv(0x82, b"good.example.com\x00.evil.com"))])
    signed("hostile/san-dns-underscore.pem", k, pki.name("u"), [raw_san(D.tlv(0x82, b"bad_name.example.com"))])
    signed("hostile/san-dns-300-chars.pem", k, pki.name("l"), [raw_san(D.tlv(0x82, (b"a" * 60 + b".") * 5))])
    signed("hostile/san-dns-label-64.pem", k, pki.name("l"), [raw_san(D.tlv(0x82, b"a" * 64 + b".example.com"))])
    signed("hostile/san-dns-double-wildcard.pem", k, pki.name("w"), [raw_san(D.tlv(0x82, b"*.*.example.com"))])
    signed("hostile/san-dns-utf8.pem", k, pki.name("w"), [raw_san(D.tlv(0x82, "bücher.example".encode()))])
    signed("hostile/san-dns-empty.pem", k, pki.name("e"), [raw_san(D.tlv(0x82, b""))])
    signed("hostile/san-uri-no-scheme.pem", k, pki.name("u"), [raw_san(D.tlv(0x86, b"no scheme"))])
    signed("hostile/san-email-no-at.pem", k, pki.name("e"), [raw_san(D.tlv(0x81, b"nobody"))])
    signed("hostile/san-other-name.pem", k, pki.name("o"), [raw_san(
        D.tlv(0xA0, D.tlv(0x06, bytes.fromhex("2b0601040182371402 03".replace(" ", ""))) + D.tlv(0xA0, D.tlv(0x0C, b"upn@x"))))])
    signed("hostile/san-directory-name.pem", k, pki.name("d"), [(x509.SubjectAlternativeName(
        [x509.DirectoryName(pki.name("dir"))]), False)])
    signed("hostile/san-registered-id.pem", k, pki.name("r"), [(x509.SubjectAlternativeName(
        [x509.RegisteredID(x509.ObjectIdentifier("1.2.3.4"))]), False)])
    signed("hostile/san-bad-inner-der.pem", k, pki.name("b"), [raw_san(b"\x82\x84\xff\xff\xff\xffabc")])

    signed("hostile/empty-subject-no-san.pem", k, x509.Name([]))
    signed("hostile/unsupported-subject-attribute.pem", k, x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "x"), x509.NameAttribute(NameOID.SERIAL_NUMBER, "42")]))
    signed("hostile/cn-10000-chars.pem", k, unchecked_name(NameOID.COMMON_NAME, "a" * 10000))
    signed("hostile/cn-newline-escape.pem", k, unchecked_name(NameOID.COMMON_NAME, "admin\n\x1b[2Jforged log line"))
    signed("hostile/org-c1-control.pem", k, x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "x"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:masters\u009b")]))
    bad_utf8 = pki.der(pki.csr(k, pki.name("UTF8PLACEHOLDER")))
    cri = D.children(bad_utf8)[0].replace(b"UTF8PLACEHOLDER", b"\xff\xfe\xfd-not-utf8-xy")
    corpus.add("csrs/hostile/cn-invalid-utf8.der", resign(cri, k), check)
    signed("hostile/country-3-letters.pem", k, x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "x"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "USA", _validate=False)]))

    # Two subjectAltName extensions: write a second one under a private OID, then rename it.
    twice = pki.csr(k, pki.name("twice"), [
        (x509.SubjectAlternativeName([x509.DNSName("a.example.com")]), False),
        (x509.UnrecognizedExtension(x509.ObjectIdentifier("2.5.29.99"),
                                    D.tlv(0x30, D.tlv(0x82, b"b.example.com"))), False)])
    cri = D.children(pki.der(twice))[0].replace(b"\x06\x03\x55\x1d\x63", b"\x06\x03\x55\x1d\x11")
    corpus.add("csrs/hostile/two-san-extensions.der", resign(cri, k), check)
    version = D.children(pki.der(good))[0]
    v3 = D.tlv(0x30, D.content(version).replace(b"\x02\x01\x00", b"\x02\x01\x03", 1))
    corpus.add("csrs/hostile/version-4.der", resign(v3, k), check)

    # Not CSRs.
    cert = pki.certificate(pki.name("c"), k.public_key(), pki.name("c"), k, pki.leaf_extensions())
    corpus.add("csrs/wrong-type/certificate.der", pki.der(cert), check)
    corpus.add("csrs/wrong-type/certificate.pem", pki.pem(cert), check)
    corpus.add("csrs/wrong-type/certificate-labelled-csr.pem", D.pem("CERTIFICATE REQUEST", pki.der(cert)), check)
    corpus.add("csrs/wrong-type/private-key.pem", pki.key_pem(k), check)
