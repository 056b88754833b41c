"""Valid keys and certificates the hostile inputs are derived from (built with `cryptography`)."""
import datetime
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
DAY = datetime.timedelta(days=1)
PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER


def key_pem(key, password=None):
    enc = (serialization.BestAvailableEncryption(password) if password
           else serialization.NoEncryption())
    return key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, enc)


def load_or_make_key(path, make):
    """Fixture keys are kept across runs so the committed corpus stays consistent."""
    if os.path.exists(path):
        with open(path, "rb") as f:
            return serialization.load_pem_private_key(f.read(), None)
    key = make()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(key_pem(key))
    return key


def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def name(cn, **extra):
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)] if cn is not None else []
    for oid, value in extra.items():
        attrs.append(x509.NameAttribute(getattr(NameOID, oid), value))
    return x509.Name(attrs)


def ca_extensions(ca=True, key_cert_sign=True):
    return [
        (x509.BasicConstraints(ca=ca, path_length=None), True),
        (x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                       data_encipherment=False, key_agreement=False,
                       key_cert_sign=key_cert_sign, crl_sign=key_cert_sign,
                       encipher_only=False, decipher_only=False), True),
    ]


def leaf_extensions(sans=("leaf.example.com",)):
    exts = [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False),
    ]
    if sans is not None:
        exts.append((x509.SubjectAlternativeName([dns_or_ip(s) for s in sans]), False))
    return exts


def dns_or_ip(text):
    try:
        return x509.IPAddress(ipaddress.ip_address(text))
    except ValueError:
        return x509.DNSName(text)


def certificate(subject, public_key, issuer, signing_key, extensions, not_before=None,
                not_after=None, serial=None, hash_alg=hashes.SHA256()):
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(serial if serial is not None else x509.random_serial_number())
               .not_valid_before(not_before or NOW - DAY)
               .not_valid_after(not_after or NOW + 36500 * DAY))
    for ext, critical in extensions:
        builder = builder.add_extension(ext, critical)
    return builder.sign(signing_key, hash_alg)


def self_signed_ca(key, cn="bad-corpus-ca", **kwargs):
    exts = kwargs.pop("extensions", ca_extensions())
    return certificate(name(cn), key.public_key(), name(cn), key, exts, **kwargs)


def csr(key, subject, extensions=(), hash_alg=hashes.SHA256()):
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        hash_alg = None  # EdDSA hashes internally
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    for ext, critical in extensions:
        builder = builder.add_extension(ext, critical)
    return builder.sign(key, hash_alg)


def der(obj):
    return obj.public_bytes(DER)


def pem(obj):
    return obj.public_bytes(PEM)


def weak_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)
