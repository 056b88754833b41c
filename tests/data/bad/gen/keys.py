"""Hostile private key files: unreadable ones (`key public` and `--ca-key` fail) and readable but
unusable ones (`ca create` must fail before writing anything)."""
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dh, dsa, ec, ed448, rsa, x25519

from . import der as D
from . import mutate
from . import pki

RAW = serialization.Encoding.DER
TRAD = serialization.PrivateFormat.TraditionalOpenSSL
PKCS8 = serialization.PrivateFormat.PKCS8
NOENC = serialization.NoEncryption()


def add(corpus, ca_cert):
    unreadable = ("key-public", "ca-key", "leaf-key")
    key = pki.ec_key()
    pkcs8_der = key.private_bytes(RAW, PKCS8, NOENC)
    pkcs8_pem = pki.key_pem(key).decode()
    for n, data in mutate.structural(pkcs8_der) + mutate.garbage():
        if n.startswith(("trailing-", "ber-")) or n == "tag-signature-octets.der":
            # A key file is the operator's own trusted input: BER leniency and bytes after the
            # key are no parser-differential hazard there (and retagging PKCS#8's OCTET STRING
            # as OCTET STRING changes nothing), so only unreadable keys are listed.
            continue
        corpus.add("keys/unreadable/" + n, data, *unreadable)
    lines = pkcs8_pem.splitlines()
    corpus.add("keys/unreadable/pem-truncated-half.pem", "\n".join(lines[: len(lines) // 2]) + "\n", *unreadable)
    corpus.add("keys/unreadable/pem-missing-end.pem", "\n".join(lines[:-1]) + "\n", *unreadable)
    corpus.add("keys/unreadable/pem-body-cut.pem", "\n".join(lines[:2] + lines[-1:]) + "\n", *unreadable)
    for n, data in mutate.pem_junk("PRIVATE KEY", pkcs8_der):
        if n == "pem-encrypted-header.pem":
            continue  # PKCS#8 ignores RFC 1421 headers (covered by the legacy encrypted key below)
        corpus.add("keys/unreadable/" + n, data, *unreadable)

    # Encrypted keys and no passphrase file.
    corpus.add("keys/unreadable/encrypted-pkcs8.pem", pki.key_pem(key, b"secret"), *unreadable)
    legacy = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    corpus.add("keys/unreadable/encrypted-legacy-rsa.pem", legacy.private_bytes(
        serialization.Encoding.PEM, TRAD, serialization.BestAvailableEncryption(b"secret")), *unreadable)

    # Other things in a key file.
    corpus.add("keys/wrong-type/certificate.pem", pki.pem(ca_cert), *unreadable)
    pub = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    corpus.add("keys/wrong-type/public-key.pem", pub, *unreadable)
    corpus.add("keys/wrong-type/csr.pem", pki.pem(pki.csr(key, pki.name("k"))), *unreadable)
    params = dh.generate_parameters(generator=2, key_size=512)
    corpus.add("keys/wrong-type/dh-params.pem", params.parameter_bytes(
        serialization.Encoding.PEM, serialization.ParameterFormat.PKCS3), *unreadable)
    corpus.add("keys/wrong-type/ec-params.pem", D.pem("EC PARAMETERS", bytes.fromhex("06082a8648ce3d030107")), *unreadable)
    corpus.add("keys/wrong-type/key-labelled-certificate.pem", D.pem("CERTIFICATE", pkcs8_der), *unreadable)

    # Key types kpki does not sign with: refuse before anything is written.
    for n, other in [("x25519", x25519.X25519PrivateKey.generate()),
                     ("ed448", ed448.Ed448PrivateKey.generate()),
                     ("dsa-2048", dsa.generate_private_key(2048)),
                     ("secp256k1", ec.generate_private_key(ec.SECP256K1())),
                     ("rsa-1024", pki.weak_rsa_key())]:
        corpus.add("keys/unsupported/%s.pem" % n, pki.key_pem(other), "ca-create", "ca-key", "leaf-key")

    # Readable but internally inconsistent: the signature it makes does not verify.
    inconsistent_rsa(corpus, legacy)
    d_too_big = (D.tlv(0x02, b"\x01") + D.tlv(0x04, b"\xff" * 32) +
                 D.tlv(0xA0, D.tlv(0x06, bytes.fromhex("2a8648ce3d030107"))))
    corpus.add("keys/unreadable/ec-scalar-above-order.pem", D.pem("EC PRIVATE KEY", D.tlv(0x30, d_too_big)),
               "key-public", "ca-create")
    d_zero = (D.tlv(0x02, b"\x01") + D.tlv(0x04, b"\x00" * 32) +
              D.tlv(0xA0, D.tlv(0x06, bytes.fromhex("2a8648ce3d030107"))))
    corpus.add("keys/unreadable/ec-scalar-zero.pem", D.pem("EC PRIVATE KEY", D.tlv(0x30, d_zero)),
               "key-public", "ca-create")


def inconsistent_rsa(corpus, key):
    """PKCS#1 with the modulus changed: the CRT signature no longer matches the public key."""
    n = key.private_numbers().public_numbers.n
    der = key.private_bytes(RAW, TRAD, NOENC)
    nb = n.to_bytes((n.bit_length() + 8) // 8, "big")
    bad = (n + 2).to_bytes(len(nb), "big")
    assert nb in der
    corpus.add("keys/inconsistent/rsa-modulus-changed.pem", D.pem("RSA PRIVATE KEY", der.replace(nb, bad, 1)),
               "ca-create")
