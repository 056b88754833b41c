#!/usr/bin/env bash
# kpki init and certs renew show one progress line (done/total, rate, time left) on a terminal,
# and write nothing of it when stderr is not a terminal.
source "$(dirname "$0")/lib/common.sh"
cd "$WORK"
PTY="python3 $KPKI_SOURCE_DIR/tests/scripts/lib/run_on_pty.py"

cat > cluster.yaml <<'YAML'
apiVersion: kpki/v1alpha1
kind: ClusterPKI
encryptionAlgorithm: ECDSA-P256
nodes:
  - {name: cp1, address: 10.0.0.10}
  - {name: w1, address: 10.0.0.21, role: worker}
YAML

# On a terminal: "leaf keys N/N, R/s" rewritten in place (\r), then cleared before the report.
if out=$($PTY "$KPKI" init --config cluster.yaml --dir tty-out); then pass; else fail "init on a pty: $out"; fi
if printf '%s' "$out" | grep -qaE $'\r\033\\[Kleaf keys [0-9]+/[0-9]+, [0-9.]+/s'; then pass
else fail "no progress line on a terminal: $(printf '%s' "$out" | od -c | head -20)"; fi
total=$(printf '%s' "$out" | grep -aoE 'leaf keys [0-9]+/[0-9]+' | tail -1)
if [[ "$total" =~ leaf\ keys\ ([0-9]+)/([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] \
  && [ "${BASH_REMATCH[2]}" -gt 1 ]; then pass; else fail "last progress line not done/total: '$total'"; fi
if printf '%s' "$out" | grep -qa "created"; then pass; else fail "no report after the progress line: $out"; fi

# Not a terminal: the same run, redirected, has no progress text and no control characters.
"$KPKI" init --config cluster.yaml --dir file-out >stdout.txt 2>stderr.txt || fail "init redirected"
if grep -qa "leaf keys" stderr.txt stdout.txt; then fail "progress text in redirected output"; else pass; fi
if grep -qa $'\r\|\033' stderr.txt stdout.txt; then fail "control characters in redirected output"; else pass; fi
"$KPKI" init --config cluster.yaml --dir json-out -o json >plan.json 2>stderr.txt || fail "init -o json"
if python3 -m json.tool plan.json >/dev/null && [ ! -s stderr.txt ]; then pass; else fail "json output not clean"; fi

# certs renew: the same line for its new keys on a terminal, none redirected.
if out=$($PTY "$KPKI" certs renew all --config cluster.yaml --dir tty-out/nodes/cp1); then pass
else fail "renew on a pty: $out"; fi
if printf '%s' "$out" | grep -qaE $'\r\033\\[Knew keys [0-9]+/[0-9]+'; then pass; else fail "no renew progress: $out"; fi
"$KPKI" certs renew all --config cluster.yaml --dir file-out/nodes/cp1 >stdout.txt 2>stderr.txt \
  || fail "renew redirected"
if grep -qa "new keys\|"$'\r' stderr.txt stdout.txt; then fail "renew progress in redirected output"; else pass; fi

finish
