"""Hostile text inputs: durations, key URIs (pkcs11: and others) and cluster configs."""

DURATIONS = [
    "0h", "0s", "0d0h0m", "-1h", "+1h", "10y", "1", "h", "1H", "1.5h", " 1h", "1h ", "1 h", "1hh",
    "1h-", "h1", "1w", "1ms", "1µs", "١h", "0x10h", "1e3h", "inf", "NaN", "8760h;rm -rf /",
    "99999999999999999999h", "9223372036854775807s", "9223372036854775808s", "18446744073709551617d",
    "3000000d", "2920000d",  # past 9999-12-31 from any date now "8760h" * 9000, "1" * 5000 + "h", "87600h,8760h", "--help",
]

PKCS11_URIS = [
    "pkcs11:", "pkcs11:;", "pkcs11:token=", "pkcs11:object=%", "pkcs11:object=%4", "pkcs11:object=%zz",
    "pkcs11:object=%G0", "pkcs11:id=%", "pkcs11:id=%0", "pkcs11:id=%%41", "pkcs11:object=a%00b",
    "pkcs11:token=a;token=b", "pkcs11:object=a;object=b", "pkcs11:token=t;object=o;object=o",
    "pkcs11:colour=blue", "pkcs11:token=t;object=o;x-unknown=1", "pkcs11:token=t;serial=1;token=u",
    "pkcs11:token=t;object=o?pin-source=file:a&pin-source=file:b",
    "pkcs11:token=t;object=o?pin-value=1&pin-source=file:p", "pkcs11:token=t;object=o?unknown=1",
    "pkcs11:token=t;object=o?pin-source=", "pkcs11:token=t;object=o?module-path=",
    "pkcs11:token=t;object=o?pin-source=http://example.com/pin", "pkcs11:token=t;object=o??",
    "pkcs11:type=banana;token=t;object=o", "pkcs11:token", "pkcs11:=value", "pkcs11:token=t;;object=o",
    "pkcs11:object=" + "A" * 100000, "pkcs11:" + ";" * 10000, "pkcs11:token=t%2", "PKCS11:token=t;object=o",
    "pkcs11://token=t;object=o", "pkcs11:token=t;object=o#frag",
]

# --- PKCS#11 trust (module files, module-name, pin-value spellings): every one is refused ---
PKCS11_TRUST_URIS = [
    "pkcs11:token=t;object=o?module-path=relative/module.so",
    "pkcs11:token=t;object=o?module-path=/nonexistent-kpki-dir/module.so",
    "pkcs11:token=t;object=o?module-path=/tmp", "pkcs11:token=t;object=o?module-path=/etc/passwd",
    "pkcs11:token=t;object=o?module-name=", "pkcs11:token=t;object=o?module-name=a&module-path=/b.so",
    "pkcs11:token=t;object=o?module-name=no-such-kpki-module",
    "pkcs11:token=t;PIN-VALUE=1234;object=o", "pkcs11:token=t;object=o?pin%2Dvalue=1234",
]
# --- end PKCS#11 trust ---

OTHER_URIS = ["", "file:", "botan:", "foo:bar", "file:/nonexistent-kpki-dir/ca.key",
              "http://example.com/ca.key"]

GOOD_NODES = """nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane}
  - {name: w1, address: 10.0.0.21, role: worker}
"""
HEAD = "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\n"

CONFIGS = {
    "empty.yaml": "",
    "not-yaml.yaml": "{{{{ this is not yaml: [",
    "tabs.yaml": HEAD + "nodes:\n\t- name: cp1\n",
    "scalar.yaml": "42\n",
    "list-at-top.yaml": "- a\n- b\n",
    "wrong-api-version.yaml": "apiVersion: kpki/v9\nkind: ClusterPKI\n" + GOOD_NODES,
    "wrong-kind.yaml": "apiVersion: kpki/v1alpha1\nkind: Pod\n" + GOOD_NODES,
    "unknown-field.yaml": HEAD + "clusterNmae: typo\n" + GOOD_NODES,
    "unknown-nested-field.yaml": HEAD + "networking:\n  podSubnet2: 1.2.3.0/24\n" + GOOD_NODES,
    "no-nodes.yaml": HEAD,
    "empty-nodes.yaml": HEAD + "nodes: []\n",
    "nodes-not-a-list.yaml": HEAD + "nodes: cp1\n",
    "node-without-name.yaml": HEAD + "nodes:\n  - {address: 127.0.0.1, role: control-plane}\n",
    "node-without-address.yaml": HEAD + "nodes:\n  - {name: cp1, role: control-plane}\n",
    "duplicate-node-names.yaml": HEAD + "nodes:\n  - {name: cp1, address: 127.0.0.1, role: control-plane}\n"
                                 "  - {name: cp1, address: 127.0.0.2, role: control-plane}\n",
    "duplicate-keys.yaml": HEAD + "clusterName: a\nclusterName: b\n" + GOOD_NODES,
    "bad-role.yaml": HEAD + "nodes:\n  - {name: cp1, address: 127.0.0.1, role: overlord}\n",
    "only-workers.yaml": HEAD + "nodes:\n  - {name: w1, address: 10.0.0.21, role: worker}\n",
    "bad-node-address.yaml": HEAD + "nodes:\n  - {name: cp1, address: 10.0.0.300, role: control-plane}\n",
    "node-name-with-slash.yaml": HEAD + "nodes:\n  - {name: ../../etc, address: 127.0.0.1, role: control-plane}\n",
    "node-name-empty.yaml": HEAD + "nodes:\n  - {name: '', address: 127.0.0.1, role: control-plane}\n",
    "bad-service-cidr.yaml": HEAD + "networking:\n  serviceSubnet: 10.96.0.0/33\n" + GOOD_NODES,
    "cidr-not-cidr.yaml": HEAD + "networking:\n  serviceSubnet: banana\n" + GOOD_NODES,
    "cidr-ipv4-bad-octet.yaml": HEAD + "networking:\n  serviceSubnet: 10.256.0.0/12\n" + GOOD_NODES,
    "bad-dns-domain.yaml": HEAD + "networking:\n  dnsDomain: bad_domain..local\n" + GOOD_NODES,
    "bad-algorithm.yaml": HEAD + "encryptionAlgorithm: DSA-1024\n" + GOOD_NODES,
    "validity-wrong-type.yaml": HEAD + "certificateValidityPeriod: [1, 2]\n" + GOOD_NODES,
    "validity-bad.yaml": HEAD + "certificateValidityPeriod: 10y\n" + GOOD_NODES,
    "validity-zero.yaml": HEAD + "caCertificateValidityPeriod: 0h\n" + GOOD_NODES,
    "cluster-name-map.yaml": HEAD + "clusterName: {a: b}\n" + GOOD_NODES,
    "cert-sans-not-list.yaml": HEAD + "apiServer:\n  certSANs: {a: b}\n" + GOOD_NODES,
    "cert-sans-bad-dns.yaml": HEAD + "apiServer:\n  certSANs: ['bad name!']\n" + GOOD_NODES,
    "endpoint-bad-port.yaml": HEAD + "controlPlaneEndpoint: 127.0.0.1:99999\n" + GOOD_NODES,
    "endpoint-garbage.yaml": HEAD + "controlPlaneEndpoint: 'http://[::1'\n" + GOOD_NODES,
    "ca-key-unknown-scheme.yaml": HEAD + "caKeys:\n  ca: 'foo:bar'\n" + GOOD_NODES,
    "ca-key-bad-pkcs11.yaml": HEAD + "caKeys:\n  ca: 'pkcs11:object=%zz'\n" + GOOD_NODES,
    "ca-keys-unknown-ca.yaml": HEAD + "caKeys:\n  root-ca: ca.key\n" + GOOD_NODES,
    "anchor-bomb.yaml": HEAD + "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        "%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n" % ((chr(98 + i), chr(98 + i)) + (chr(97 + i),) * 9)
        for i in range(8)) + GOOD_NODES,
    "deep-nesting.yaml": HEAD + "x: " + "[" * 5000 + "]" * 5000 + "\n" + GOOD_NODES,
    "binary.yaml": "\x00\x01\x02\xff\xfe",
    # Found by fuzz_cluster_config: yaml-cpp 0.7's LoadAll looped, allocating, until memory ran out.
    "yaml-cpp-loadall-loop.yaml": "," * 71 + "# nit # o\n",
    "kubeadm-bad-kind.yaml": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\n",
}


def add(corpus):
    for i, d in enumerate(DURATIONS):
        corpus.add("durations/%02d.txt" % i, d, "validity")
    for i, u in enumerate(PKCS11_URIS):
        corpus.add("pkcs11-uris/%02d.txt" % i, u, "key-uri")
    for i, u in enumerate(PKCS11_TRUST_URIS):
        corpus.add("pkcs11-uris/trust-%02d.txt" % i, u, "key-uri")
    for i, u in enumerate(OTHER_URIS):
        corpus.add("key-uris/%02d.txt" % i, u, "key-uri")
    for n, text in CONFIGS.items():
        corpus.add("configs/" + n, text, "config")
