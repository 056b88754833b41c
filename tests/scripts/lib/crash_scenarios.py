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

SCENARIOS = {
    "verbs": {
        "prepare": ":",
        "build": VERBS_BUILD,
        "expect": ["ca.crt", "ca.key"] + ["%s.%s" % (n, e) for n in "abcd" for e in ("crt", "key")],
    },
}


def available(kpki):
    """Scenarios whose verbs this kpki has (init and certs renew arrive with the Kubernetes work)."""
    import subprocess
    verbs = subprocess.run([kpki, "--help"], capture_output=True, text=True).stdout
    have = lambda verb: any(line.startswith("  %s " % verb) for line in verbs.splitlines())  # noqa: E731
    return [name for name, s in SCENARIOS.items() if all(have(v) for v in s.get("needs", []))]
