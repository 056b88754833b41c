"""Trust issue, items 4, 10 and 12: names kpki sign must refuse by default (Kubernetes system
groups, wildcard and Kubernetes-reserved SANs, the service IP), subjects that say two things
(two CNs, a group twice), names with bidi or zero-width characters, and files holding several
objects where one is expected. Every one of these used to be accepted."""
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from . import pki

CN, O = NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME


def subject(*attrs):
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attrs])


def san(*names):
    general = [x509.IPAddress(ipaddress.ip_address(n[3:])) if n.startswith("ip:") else x509.DNSName(n)
               for n in names]
    return [(x509.SubjectAlternativeName(general), False)]


def add(corpus, leaf_key, ca_key, ca_cert):
    def signed(n, name, extensions=()):
        corpus.add("csrs/policy/" + n, pki.pem(pki.csr(leaf_key, name, extensions)), "sign")

    # Item 4: the default name policy of kpki sign.
    signed("org-system-masters.pem", subject((CN, "mallory"), (O, "system:masters")))
    signed("org-system-nodes.pem", subject((CN, "system:node:evil"), (O, "system:nodes")))
    signed("two-cns.pem", subject((CN, "admin"), (CN, "guest")))
    signed("org-twice.pem", subject((CN, "x"), (O, "dev"), (O, "dev")))
    signed("san-wildcard.pem", subject((CN, "w")), san("*.example.com"))
    signed("san-wildcard-svc.pem", subject((CN, "w")), san("*.svc"))
    signed("san-kubernetes-default.pem", subject((CN, "k")), san("kubernetes.default"))
    signed("san-kubernetes-default-svc-cluster-local.pem", subject((CN, "k")),
           san("kubernetes.default.svc.cluster.local"))
    signed("san-service-name.pem", subject((CN, "k")), san("db.prod.svc"))
    signed("san-service-ip.pem", subject((CN, "k")), san("ip:10.96.0.1"))
    signed("san-service-ip-v4-mapped-v6.pem", subject((CN, "k")), san("ip:::ffff:10.96.0.1"))

    # Item 10: bidi controls and zero-width characters in names.
    for n, text in [("cn-bidi-rlo", "admin\u202egpj.exe"), ("cn-bidi-isolate", "a\u2066b\u2069"),
                    ("cn-zero-width-space", "ad\u200bmin"), ("cn-rlm", "admin\u200f"),
                    ("cn-bom", "\ufeffadmin"), ("cn-arabic-letter-mark", "admin\u061c"),
                    ("cn-word-joiner", "ad\u2060min")]:
        signed(n + ".pem", subject((CN, text)))
    signed("org-bidi-override.pem", subject((CN, "x"), (O, "system:\u202emasters")))

    add_reserved_and_invisible(corpus, leaf_key)

    # Item 12: one object expected, several given.
    csr_a = pki.pem(pki.csr(leaf_key, pki.name("a")))
    csr_b = pki.pem(pki.csr(leaf_key, pki.name("b")))
    corpus.add("csrs/multi/two-csrs.pem", csr_a + csr_b, "sign")
    corpus.add("csrs/multi/csr-and-key.pem", csr_a + pki.key_pem(leaf_key), "sign")
    corpus.add("csrs/multi/der-trailing-csr.der", pki.der(pki.csr(leaf_key, pki.name("a"))) * 2, "sign")
    ca_pem = pki.pem(ca_cert)
    corpus.add("ca-certs/multi/two-ca-certs.pem", ca_pem + ca_pem, "ca-cert")
    corpus.add("ca-certs/multi/ca-cert-and-key.pem", ca_pem + pki.key_pem(ca_key), "ca-cert")
    corpus.add("certs/multi/two-certs.pem", ca_pem + ca_pem, "verify")
    ca_key_pem = pki.key_pem(ca_key)
    corpus.add("keys/multi/two-keys.pem", ca_key_pem + pki.key_pem(leaf_key), "key-public", "ca-key")
    corpus.add("keys/multi/key-and-cert.pem", ca_key_pem + ca_pem, "key-public", "ca-key")
    key_der = ca_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    corpus.add("keys/multi/two-keys.der", key_der + key_der, "key-public", "ca-key")


def add_reserved_and_invisible(corpus, leaf_key):
    """Issue 19, policy for kpki sign: identities Kubernetes and kubeadm reserve, and invisible
    code points (format, default-ignorable, separators, private use, unassigned) in CN and O.
    Each was certified by default before."""
    def signed(n, name):
        corpus.add("csrs/policy/" + n, pki.pem(pki.csr(leaf_key, name)), "sign")

    for n, cn in [("cn-system-kube-controller-manager", "system:kube-controller-manager"),
                  ("cn-system-kube-scheduler", "system:kube-scheduler"),
                  ("cn-system-kube-proxy", "system:kube-proxy"),
                  ("cn-system-node", "system:node:cp1"),
                  ("cn-system-serviceaccount", "system:serviceaccount:kube-system:default"),
                  ("cn-kube-apiserver-kubelet-client", "kube-apiserver-kubelet-client"),
                  ("cn-kube-apiserver-etcd-client", "kube-apiserver-etcd-client")]:
        signed(n + ".pem", subject((CN, cn)))
    for n, group in [("org-kubeadm-cluster-admins", "kubeadm:cluster-admins"),
                     ("org-kubeadm-get-nodes", "kubeadm:get-nodes")]:
        signed(n + ".pem", subject((CN, "alice"), (O, group)))
    for n, c in [("line-separator", "\u2028"), ("paragraph-separator", "\u2029"),
                 ("soft-hyphen", "\u00ad"), ("hangul-filler", "\u3164"),
                 ("mongolian-vowel-separator", "\u180e"),
                 ("interlinear-annotation-terminator", "\ufffb"),
                 ("combining-grapheme-joiner", "\u034f"), ("variation-selector-16", "\ufe0f"),
                 ("tag-latin-a", "\U000e0041"), ("private-use", "\ue000"),
                 ("unassigned", "\u0378")]:
        signed("cn-%s.pem" % n, subject((CN, "admin" + c)))
    signed("org-hangul-filler.pem", subject((CN, "x"), (O, "system:\u3164masters")))
