#!/usr/bin/env bash
# Help that does not mislead (issue 23): every example pastes into bash as one command, no verb
# has two flags with the same description, --profile's error offers only profiles the verb
# accepts, and init's algorithm error lists only algorithms a cluster accepts.
source "$(dirname "$0")/lib/common.sh"
cd "$WORK"

# Every verb's help, found from the help itself (a new verb is checked without editing this).
python3 - "$KPKI" > help_problems.txt <<'PY' || fail "help checker crashed"
import re, shlex, subprocess, sys
kpki = sys.argv[1]

def help_of(path):
    return subprocess.run([kpki, *path, "--help"], capture_output=True, text=True, check=True).stdout

def sections(text, title):
    """Lines of the section `title:` (up to the next unindented line)."""
    out, inside = [], False
    for line in text.splitlines():
        if re.match(r"^\S", line):
            inside = line.strip() == title + ":"
        elif inside and line.strip():
            out.append(line)
    return out

def check(path):
    text = help_of(path)
    name = " ".join(["kpki", *path])
    for example in sections(text, "Example"):
        lexer = shlex.shlex(example.strip(), posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        operators = [t for t in lexer if t and set(t) <= set(";&|<>()")]
        if operators:
            print(f"{name}: example is not one shell command ({' '.join(operators)}): {example.strip()}")
    seen = {}
    flag = None
    for line in sections(text, "Options"):
        m = re.match(r"^  (-\S+(?: \S+)*?)(?:\s{2,}(.*))?$", line)
        if m and line.startswith("  -"):
            flag, desc = m.group(1), m.group(2)
        else:
            desc = line.strip()
        if flag and desc:
            if desc in seen and seen[desc] != flag:
                print(f"{name}: {seen[desc].split()[0]} and {flag.split()[0]} share the description '{desc}'")
            seen.setdefault(desc, flag)
            flag = None
    for line in sections(text, "Subcommands"):
        check(path + [line.split()[0]])

check([])
PY
if [ -s help_problems.txt ]; then fail "$(cat help_problems.txt)"; else pass; fi

"$KPKI" ca create --key ca.key --cn test-ca --out ca.crt 2>/dev/null

# profile_error CMD...: exit 3, one line, names 'server' and never offers 'ca'; nothing written.
profile_error() {
  local what=$1 pattern=$2; shift 2
  expect_error "$what" "$pattern" "$@"
  if grep -qw ca <<<"$("$@" 2>&1 | sed "s/--ca-\S*//g")"; then fail "$what offers ca"; else pass; fi
  local rc=0; "$@" 2>/dev/null || rc=$?
  [ "$rc" -eq 3 ] && pass || fail "$what: exit $rc, expected 3"
  for f in leaf.key leaf.crt; do [ -e "$f" ] && fail "$what: wrote $f" || pass; done
}
profile_error "issue --profile srever" "unknown profile 'srever' \(did you mean 'server'\?\)" \
  "$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile srever --cn x --key leaf.key --out leaf.crt
profile_error "issue --profile admin" "unknown profile 'admin' \(expected server, client or peer\)" \
  "$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile admin --cn x --key leaf.key --out leaf.crt
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout csr.key -subj /CN=x \
  -out x.csr 2>/dev/null
profile_error "sign --profile clinet" "unknown profile 'clinet' \(did you mean 'client'\?\)" \
  "$KPKI" sign --ca-cert ca.crt --ca-key ca.key --csr x.csr --profile clinet --out leaf.crt
# `ca` itself is still refused with the verb's reason.
expect_error "issue --profile ca" "use 'kpki ca create' for CAs" \
  "$KPKI" issue --ca-cert ca.crt --ca-key ca.key --profile ca --cn x --key leaf.key --out leaf.crt

# init's algorithm error lists what a cluster takes: never ed25519, which init refuses.
cat > cluster.yaml <<'YAML'
apiVersion: kpki/v1alpha1
kind: ClusterPKI
encryptionAlgorithm: RSA-1024
nodes:
  - {name: cp1, address: 127.0.0.1}
YAML
expect_error "init unknown algorithm" \
  "^kpki: error: cluster.yaml: encryptionAlgorithm: unknown algorithm 'RSA-1024' \(expected RSA-2048, RSA-3072, RSA-4096, ECDSA-P256 or ECDSA-P384\)$" \
  "$KPKI" init --config cluster.yaml --dir out
if "$KPKI" init --config cluster.yaml --dir out 2>&1 | grep -qi ed25519; then
  fail "init's algorithm error offers ed25519"; else pass; fi
[ -e out ] && fail "init wrote out/" || pass
finish
