"""Cluster configs kubeadm could not use (Trust issue, items 15 and 16): `kpki init` refuses them."""

_HEAD = "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\n"
_TWO_CONTROL_PLANES = ("nodes:\n  - {name: cp1, address: 127.0.0.1}\n"
                       "  - {name: cp2, address: 127.0.0.2}\n")

CONFIGS = {
    # kubeadm cannot load Ed25519 keys (TryLoadKeyFromDisk: RSA or ECDSA only).
    "algorithm-ed25519.yaml": _HEAD + "controlPlaneEndpoint: lb.example.com\n"
                              "encryptionAlgorithm: ED25519\n" + _TWO_CONTROL_PLANES,
    "kubeadm-algorithm-ed25519.yaml":
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
        "nodeRegistration: {name: n1}\nlocalAPIEndpoint: {advertiseAddress: 10.1.2.3}\n---\n"
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
        "encryptionAlgorithm: ed25519\n",
    # Several control-plane nodes and no stable endpoint: kubeadm cannot join the second.
    "several-control-planes-no-endpoint.yaml": _HEAD + _TWO_CONTROL_PLANES,
    "bind-port-out-of-range.yaml": _HEAD + "nodes:\n  - {name: cp1, address: 127.0.0.1, "
                                   "bindPort: 65536}\n",
}


def add(corpus):
    for name, text in CONFIGS.items():
        corpus.add("configs/" + name, text, "config")
