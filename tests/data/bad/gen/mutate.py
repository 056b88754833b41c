"""Generic structural breakage of one DER object (certificate or CSR) and of its PEM armour."""
import os

from . import der as D


def structural(der):
    """(name, bytes) pairs: every way to break the encoding without touching semantics."""
    n = len(der)
    out = []
    for cut in sorted({1, 2, 3, 4, 10, 50, 100, n // 2, n - 20, n - 1}):
        out.append(("truncated-%d.der" % cut, der[:cut]))
    out += [
        ("trailing-zero.der", der + b"\x00"),
        ("trailing-text.der", der + b"garbage\n"),
        ("trailing-second-copy.der", der + der),
        ("trailing-random.der", der + os.urandom(512)),
        ("ber-long-length-1.der", D.with_long_length(der, 1)),
        ("ber-long-length-4.der", D.with_long_length(der, 4)),
        ("ber-indefinite-outer.der", D.with_indefinite_length(der)),
        ("ber-indefinite-tbs.der", D.with_inner_indefinite(der, 0)),
        ("ber-long-length-tbs.der", D.with_inner_long_length(der, 0)),
        ("ber-indefinite-sigalg.der", D.with_inner_indefinite(der, 1)),
        ("ber-long-length-signature.der", D.with_inner_long_length(der, 2)),
        ("huge-length-4G.der", D.with_length(der, b"\x84\xff\xff\xff\xff")),
        ("huge-length-2G.der", D.with_length(der, b"\x84\x7f\xff\xff\xff")),
        ("huge-length-8-octets.der", D.with_length(der, b"\x88" + b"\xff" * 8)),
        ("huge-length-9-octets.der", D.with_length(der, b"\x89" + b"\x01" * 9)),
        ("reserved-length-ff.der", D.with_length(der, b"\xff")),
        ("length-past-end.der", D.with_length(der, D.length_bytes(n + 100))),
        ("length-short-by-one.der", D.with_length(der, D.length_bytes(len(D.content(der)) - 1))),
        ("tag-set.der", D.with_tag(der, 0x31)),
        ("tag-zero.der", D.with_tag(der, 0x00)),
        ("tag-context.der", D.with_tag(der, 0xA0)),
        ("tag-tbs-set.der", D.with_child_tag(der, 0, 0x31)),
        ("tag-sigalg-octets.der", D.with_child_tag(der, 1, 0x04)),
        ("tag-signature-octets.der", D.with_child_tag(der, 2, 0x04)),
        ("missing-signature.der", D.tlv(0x30, b"".join(D.children(der)[:2]))),
        ("extra-element.der", D.tlv(0x30, D.content(der) + D.tlv(0x05, b""))),
    ]
    return out


def garbage():
    return [
        ("empty.der", b""),
        ("one-byte-sequence.der", b"\x30"),
        ("empty-sequence.der", b"\x30\x00"),
        ("random-4k.der", os.urandom(4096)),
        ("all-ff-4k.der", b"\xff" * 4096),
        ("zeros-64k.der", b"\x00" * 65536),
        ("nested-indefinite-20k.der", D.deep_nesting(20000, True)),
        ("nested-definite-3k.der", D.deep_nesting(3000, False)),
    ]


def pem_junk(label, der):
    """Broken PEM armour around an otherwise valid object."""
    good = D.pem(label, der).decode()
    body = good.splitlines()[1:-1]
    begin, end = "-----BEGIN %s-----" % label, "-----END %s-----" % label
    mid = len(body) // 2
    return [
        ("pem-bad-base64-char.pem", "\n".join([begin] + body[:mid] + ["!!!!" + body[mid][4:]] + body[mid + 1:] + [end]) + "\n"),
        ("pem-missing-end.pem", "\n".join([begin] + body) + "\n"),
        ("pem-mismatched-end.pem", "\n".join([begin] + body + ["-----END SOMETHING ELSE-----"]) + "\n"),
        ("pem-begin-only.pem", begin + "\n"),
        ("pem-empty-block.pem", begin + "\n" + end + "\n"),
        ("pem-bad-padding.pem", "\n".join([begin, "QUJD=RA==", end]) + "\n"),
        ("pem-binary-inside.pem", (begin + "\n").encode() + os.urandom(300) + ("\n" + end + "\n").encode()),
        ("pem-nul-inside.pem", "\n".join([begin] + body[:mid] + ["\x00" * 10] + body[mid:] + [end]) + "\n"),
        ("pem-encrypted-header.pem", "\n".join([begin, "Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF", ""] + body + [end]) + "\n"),
        ("pem-many-begins.pem", (begin + "\n") * 2000),
        ("pem-huge-line.pem", begin + "\n" + "QUFB" * 50000 + "\n" + end + "\n"),
        ("pem-truncated-base64.pem", "\n".join([begin] + body[:mid] + [end]) + "\n"),
        ("pem-lowercase-label.pem", good.replace(label, label.lower())),
        ("pem-no-dashes.pem", good.replace("-----", "----")),
    ]


def pem_wrapped(label, broken):
    """A few structural breakages again, inside correct PEM armour."""
    keep = {"truncated-50.der", "trailing-zero.der", "ber-indefinite-outer.der",
            "huge-length-4G.der", "tag-set.der", "empty.der", "nested-definite-3k.der"}
    return [(n.replace(".der", ".pem"), D.pem(label, data)) for n, data in broken if n in keep]
