#!/usr/bin/env bash
# A token that fails in the middle of a run (a network HSM restarting, a card pulled and put back,
# a TPM resource manager restarted). The forwarding test module (tests/pkcs11_module) answers a
# chosen CK_RV at the Nth call of a chosen function, and changes the token's state to match (the
# session closed, the token logged out, every session closed); `stays` answers it from the Nth
# call on. For init, certs renew, each phase of ca rotate and crl (1 control plane + 1 worker,
# CA keys on SoftHSM), each case must end as the matrix says:
#   recovered  exit 0, one warning naming the token and the CK_RV, one C_Login more, the output
#              verifies
#   error      exit non-zero, one error line naming the token and the CK_RV (after at most the
#              recovery's warning); the tree as it was before the run (init: nothing left), no
#              ledger record left incomplete, and the same command without the fault completes
# A wrong PIN at the new login stops there (no second C_Login). The matrix is printed.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/softhsm.sh"
require_softhsm
FWD=$(test_module forward)
cd "$WORK"

make_token fault
export KPKI_TEST_FORWARD_MODULE=$MODULE KPKI_TEST_LOGIN_LOG=$WORK/calls
uri() { echo "pkcs11:token=fault;object=$1?pin-source=file:$WORK/hsm/user-pin&module-path=$FWD"; }
cluster_yaml 1 uri >cluster.yaml
tree_sum() { [ -d "$1" ] || { echo absent; return; }; (cd "$1" && find . -type f ! -name 'ledger*' -print0 | sort -z | xargs -0 -r sha256sum | sha256sum); }
# Records not released and not abandoned: a run must leave none behind.
incomplete() {
  [ -f "$1" ] || { echo 0; return; }
  "$KPKI" ledger list --ledger "$1" -o json 2>/dev/null |
    python3 -c 'import json,sys; print(sum(r["state"]=="incomplete" for r in json.load(sys.stdin)["items"]))'
}
logins() { grep -c '^C_Login CKU_USER' "$WORK/calls" 2>/dev/null || true; }

# The trees the verbs start from: a whole tree (renew, crl), one at each rotation phase. Each is
# made in ./cur and kept aside; a case runs in ./cur again, as the ledger records files by their
# absolute paths.
keep() { rm -rf "$1" && cp -a cur "$1"; }
expect_ok "base tree" "$KPKI" init --config cluster.yaml --dir cur
expect_ok "base: a CRL" "$KPKI" crl --ca-cert cur/pki/ca.crt --ca-key "$(uri kubernetes-ca)" \
  --ledger cur/ledger.db --out cur/crl.pem
keep base
rot() { "$KPKI" ca rotate etcd-ca --dir cur --config cluster.yaml --phase "$1"; }
expect_ok "base: rotation begun" rot begin
keep at-reissue
expect_ok "base: leaves reissued" rot reissue
keep at-finish

# verb NAME DIR: the command line (run inside the case's copy, DIR).
verb() {
  case $1 in
    init) echo "$KPKI init --config cluster.yaml --dir $2" ;;
    renew) echo "$KPKI certs renew all --dir $2/nodes/cp1 --config cluster.yaml --ledger $2/ledger.db" ;;
    begin | reissue) echo "$KPKI ca rotate etcd-ca --dir $2 --config cluster.yaml --phase $1" ;;
    finish) echo "$KPKI ca rotate etcd-ca --dir $2 --config cluster.yaml --phase $1 --out-config $2/new.yaml" ;;
    crl) echo "$KPKI crl --ca-cert $2/pki/ca.crt --ca-key $(uri kubernetes-ca) --ledger $2/ledger.db --out $2/crl.pem --force" ;;
  esac
}
start_of() { case $1 in init) echo "" ;; renew | crl | begin) echo base ;; reissue) echo at-reissue ;; finish) echo at-finish ;; esac; }
# What verifies the verb's output in DIR (the token keeps the keys of earlier cases' rotations, so
# a rotation's number is the latest one's).
verifies() {
  local new; new=$(ls -d "$2"/rotation/etcd-ca/*/ 2>/dev/null | sort -V | tail -1)new.crt
  case $1 in
    init | renew) openssl verify -CAfile "$2/nodes/cp1/pki/ca.crt" "$2/nodes/cp1/pki/apiserver.crt" >/dev/null ;;
    begin) openssl verify -CAfile "$new" "$new" >/dev/null ;;
    reissue) openssl verify -CAfile "$new" "$2/nodes/cp1/pki/etcd/server.crt" >/dev/null ;;
    finish) openssl verify -CAfile "$2/nodes/cp1/pki/etcd/ca.crt" "$2/nodes/cp1/pki/etcd/server.crt" >/dev/null ;;
    crl) openssl crl -in "$2/crl.pem" -noout -verify -CAfile "$2/pki/ca.crt" 2>&1 | grep -qx "verify OK" ;;
  esac
}

MATRIX=""
# case VERB FAULT EXPECTED [PATTERN]: one cell of the matrix.
case_() {
  local v=$1 fault=$2 expected=$3 pattern=${4:-}
  local dir=cur start; start=$(start_of "$v")
  rm -rf cur
  [ -n "$start" ] && cp -a "$start" cur
  local before; before=$(tree_sum "$dir")
  rm -f "$WORK/calls"
  local out rc=0
  out=$(KPKI_TEST_FAULT=$fault $(verb "$v" "$dir") 2>&1 >/dev/null) || rc=$?
  LOGINS=$(logins)
  out=$(printf '%s\n' "$out" | grep -v '^wrote ' || true)  # crl's result line is on stderr
  local what="$v with $fault" outcome
  local rv=${fault#*:*:}; rv=${rv%%:*}; rv=${rv%%,*}
  if [ $rc -eq 0 ]; then
    outcome=recovered
    # A device gone ends every session: another thread may meet the loss first (see below).
    local seen=$rv
    case $rv in CKR_DEVICE_REMOVED | CKR_TOKEN_NOT_PRESENT) seen="($rv|CKR_SESSION_HANDLE_INVALID|CKR_USER_NOT_LOGGED_IN)" ;; esac
    printf '%s\n' "$out" | grep -qE "token 'fault' \(serial .*\) lost the session \($seen\)" ||
      { fail "$what: no warning naming the token and $rv: $out"; outcome=recovered?; }
    [ "$(printf '%s\n' "$out" | grep -c .)" -le 1 ] || fail "$what: more than the warning: $out"
    [ "$LOGINS" = 2 ] || fail "$what: $LOGINS user logins, expected 2 (one anew)"
    verifies "$v" "$dir" || fail "$what: the output does not verify"
  else
    outcome=error
    local errors; errors=$(printf '%s\n' "$out" | grep -c '^kpki: error' || true)
    [ "$errors" = 1 ] && [ "$(printf '%s\n' "$out" | grep -vc '^kpki: warning' || true)" = 1 ] ||
      fail "$what: not one error line: $out"
    printf '%s\n' "$out" | grep '^kpki: error' | grep -qE "$pattern" ||
      fail "$what: the error does not say /$pattern/: $out"
    if [ "$v" = init ]; then
      # The ledger stays: it records what the run signed, as abandoned.
      local left; left=$(find "$dir" -type f ! -name 'ledger*' 2>/dev/null | head -3 || true)
      [ -z "$left" ] || fail "$what: files left: $left"
    elif [ "$v" != begin ]; then  # begin records its start (rotation state) first, by design
      [ "$(tree_sum "$dir")" = "$before" ] || fail "$what: the tree changed"
    fi
    [ "$(incomplete "$dir/ledger.db")" = 0 ] || fail "$what: ledger records left incomplete"
    $(verb "$v" "$dir") >/dev/null 2>&1 && verifies "$v" "$dir" || fail "$what: the run again without the fault did not complete"
  fi
  [ "$outcome" = "$expected" ] && pass || fail "$what: $outcome, expected $expected ($out)"
  MATRIX+=$(printf '%-8s %-52s %s' "$v" "$fault" "$outcome")$'\n'
}

lost="CKR_SESSION_HANDLE_INVALID CKR_SESSION_CLOSED CKR_USER_NOT_LOGGED_IN CKR_DEVICE_REMOVED CKR_TOKEN_NOT_PRESENT"
gone="signing with key '.*' on token 'fault' \(serial .*\) failed|token 'fault' \(serial .*\)"
for v in init renew begin reissue crl; do
  case $v in init) points="1 4 9" ;; renew) points="1 3 6" ;; reissue) points="1 2 3" ;; *) points="1" ;; esac
  set -- $points; i=0
  for rv in $lost; do
    p=$(echo $points | cut -d' ' -f$((i % $# + 1))); i=$((i + 1))
    fn=C_Sign; [ $((i % 2)) = 0 ] && fn=C_SignInit
    case_ $v "$fn:$p:$rv" recovered
  done
  # A removed device ends every session and the login: after the new login, whichever thread
  # reaches the token first reports the loss it met (the fault's CKR_DEVICE_REMOVED, or another
  # thread's CKR_SESSION_HANDLE_INVALID / CKR_USER_NOT_LOGGED_IN on a session the removal ended).
  case_ $v "C_Sign:$1:CKR_DEVICE_REMOVED:stays" error "$gone.*CKR_(DEVICE_REMOVED|SESSION_HANDLE_INVALID|USER_NOT_LOGGED_IN)"
  case $v in
    init | reissue)
      case_ $v "C_Sign:$2:CKR_SESSION_HANDLE_INVALID:stays" error "$gone.*CKR_SESSION_HANDLE_INVALID" ;;
  esac
  case $v in
    init | crl)
      case_ $v "C_Sign:$1:CKR_USER_NOT_LOGGED_IN,C_Login:2:CKR_PIN_INCORRECT" error "wrong PIN for token 'fault'"
      [ "$LOGINS" = 2 ] && pass || fail "$v: a wrong PIN at the new login was tried again ($LOGINS logins)" ;;
    renew) case_ $v "C_Sign:$1:CKR_DEVICE_ERROR" error "$gone.*CKR_DEVICE_ERROR" ;;
  esac
done
# finish signs nothing: it reads the new key from the token.
case_ finish "C_FindObjectsInit:1:CKR_DEVICE_REMOVED:stays" error "CKR_DEVICE_REMOVED"
case_ finish "C_OpenSession:1:CKR_TOKEN_NOT_PRESENT" error "token 'fault'|CKR_TOKEN_NOT_PRESENT"

echo "verb     fault (function:call:CK_RV)                          outcome"
printf '%s' "$MATRIX"
finish
