"""Byte-level DER surgery for the hostile-input corpus.

Valid objects come from `cryptography`; these helpers break them in the ways parsers get wrong:
non-minimal and indefinite lengths, impossible lengths, truncation, wrong tags, deep nesting.
"""
import base64


def length_bytes(n):
    """Minimal DER length encoding."""
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag, content):
    return bytes([tag]) + length_bytes(len(content)) + content


def header(der):
    """(tag, header_length, content_length) of the outermost TLV (definite lengths only)."""
    tag = der[0]
    first = der[1]
    if first < 0x80:
        return tag, 2, first
    n = first & 0x7F
    return tag, 2 + n, int.from_bytes(der[2 : 2 + n], "big")


def content(der):
    _, hl, cl = header(der)
    return der[hl : hl + cl]


def children(der):
    """The TLVs directly inside the outer SEQUENCE, as raw byte strings."""
    body = content(der)
    out = []
    while body:
        _, hl, cl = header(body)
        out.append(body[: hl + cl])
        body = body[hl + cl :]
    return out


def with_long_length(der, extra_octets=1):
    """Same content, outer length padded with leading zero octets (BER, not DER)."""
    tag, _, cl = header(der)
    body = cl.to_bytes((cl.bit_length() + 7) // 8 or 1, "big")
    body = b"\x00" * extra_octets + body
    return bytes([tag, 0x80 | len(body)]) + body + content(der)


def with_indefinite_length(der):
    """Outer SEQUENCE re-encoded with BER indefinite length and an end-of-contents marker."""
    return bytes([der[0], 0x80]) + content(der) + b"\x00\x00"


def with_inner_indefinite(der, index):
    """The index-th child of the outer SEQUENCE re-encoded with indefinite length."""
    kids = children(der)
    kid = kids[index]
    if kid[0] & 0x20:  # only constructed types may use indefinite length
        kids[index] = with_indefinite_length(kid)
    else:
        kids[index] = bytes([kid[0], 0x80]) + content(kid) + b"\x00\x00"
    return tlv(der[0], b"".join(kids))


def with_inner_long_length(der, index):
    kids = children(der)
    kids[index] = with_long_length(kids[index], 2)
    return tlv(der[0], b"".join(kids))


def with_length(der, length_octets):
    """Outer TLV with its length field replaced by raw `length_octets` (lies about the size)."""
    _, hl, cl = header(der)
    return bytes([der[0]]) + length_octets + der[hl : hl + cl]


def with_tag(der, tag):
    return bytes([tag]) + der[1:]


def with_child_tag(der, index, tag):
    kids = children(der)
    kids[index] = bytes([tag]) + kids[index][1:]
    return tlv(der[0], b"".join(kids))


def flip_byte(der, offset):
    data = bytearray(der)
    data[offset] ^= 0x01
    return bytes(data)


def deep_nesting(depth, indefinite=True):
    """SEQUENCE inside SEQUENCE `depth` times: recursion-depth attacks on the decoder."""
    if indefinite:
        return b"\x30\x80" * depth + b"\x00\x00" * depth
    inner = b""
    for _ in range(depth):
        inner = tlv(0x30, inner)
    return inner


def pem(label, der, line=64):
    b64 = base64.b64encode(der).decode()
    lines = [b64[i : i + line] for i in range(0, len(b64), line)]
    return ("-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)).encode()
