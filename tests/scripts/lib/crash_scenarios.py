"""What crash_harness.py builds and kills. Each scenario: `prepare` (run once, never killed),
`build` (killed at a random moment, then re-run to completion) and `expect` (a finished tree)."""

# The tree as separate verbs: a CA, then one leaf per profile and algorithm (RSA for a slow
# key write). A step is skipped when its certificate exists, as an operator re-running would do.
VERBS_BUILD = """
[ -f ca.crt ] || "$KPKI" ca create --key ca.key --cn crash-ca --out ca.crt
for leaf in a:server:ecdsa-p256 b:client:ed25519 c:peer:ecdsa-p384 d:server:rsa-2048; do
  IFS=: read -r name profile alg <<<"$leaf"
  [ -f "$name.crt" ] || "$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile "$profile" \\
    --cn "$name" --dns "$name.example" --algorithm "$alg" --key "$name.key" --out "$name.crt"
done
"""

# kpki init of a small cluster (file CA keys), and certs renew of a finished tree's control-plane
# node. What a finished tree holds is taken from one uninterrupted run ("expect": None).
CLUSTER = """apiVersion: kpki/v1alpha1
kind: ClusterPKI
encryptionAlgorithm: ECDSA-P256
nodes:
  - {name: cp1, address: 127.0.0.1, role: control-plane}
  - {name: w1, address: 10.0.0.21, role: worker}
"""
WRITE_CLUSTER = "cat > cluster.yaml <<'YAML'\n" + CLUSTER + "YAML\n"
INIT = '"$KPKI" init --config cluster.yaml --dir out\n'
RENEW = '"$KPKI" certs renew all --dir out/nodes/cp1 --config cluster.yaml\n'

SCENARIOS = {
    "verbs": {
        "prepare": ":",
        "build": VERBS_BUILD,
        "expect": ["ca.crt", "ca.key"] + ["%s.%s" % (n, e) for n in "abcd" for e in ("crt", "key")],
    },
    "init": {"needs": ["init"], "prepare": WRITE_CLUSTER, "build": INIT, "expect": None},
    "renew": {"needs": ["init", "certs"], "prepare": WRITE_CLUSTER + INIT, "build": RENEW,
              "expect": None},
}

# kpki ca rotate of the cluster CA (trust files, kubeconfigs, leaves, the CA key file), one
# scenario per phase, the earlier phases done in `prepare`. Run by ca_rotate_cli.sh ("opt_in":
# not part of hardening_crash_safety's default set).
ROTATE = '"$KPKI" ca rotate ca --dir out --config cluster.yaml --phase %s\n'
SCENARIOS.update({
    "rotate-begin": {"opt_in": True, "prepare": WRITE_CLUSTER + INIT, "build": ROTATE % "begin",
                     "expect": None},
    "rotate-reissue": {"opt_in": True, "prepare": WRITE_CLUSTER + INIT + ROTATE % "begin",
                       "build": ROTATE % "reissue", "expect": None},
    "rotate-finish": {"opt_in": True,
                      "prepare": WRITE_CLUSTER + INIT + ROTATE % "begin" + ROTATE % "reissue",
                      "build": ROTATE % "finish", "expect": None},
})


def available(kpki):
    """Scenarios whose verbs this kpki has (init and certs renew arrive with the Kubernetes work)."""
    import subprocess
    verbs = subprocess.run([kpki, "--help"], capture_output=True, text=True).stdout
    have = lambda verb: any(line.startswith("  %s " % verb) for line in verbs.splitlines())  # noqa: E731
    return [name for name, s in SCENARIOS.items()
            if not s.get("opt_in") and all(have(v) for v in s.get("needs", []))]
