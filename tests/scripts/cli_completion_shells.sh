#!/usr/bin/env bash
# `kpki completion zsh` and `kpki completion fish` complete in the real shells, loaded the ways a
# user loads them (issue 23): verbs, sub-verbs, flags, enum values (--flag VALUE and --flag=VALUE),
# files and directories. zsh runs its whole completion system on a pseudo-terminal (compinit,
# ZLE's complete-word, _describe/_files; tests/scripts/lib/zsh_complete.zsh), with _kpki found in
# $fpath as the package installs it and sourced after compinit as the README says; fish answers
# `complete -C` with kpki.fish found in fish_complete_path as installed, and sourced.
# cli_generated_docs checks every verb and flag of --help in bash, zsh and fish; this one checks
# what the shells themselves do with the scripts. Skips (77) when neither shell is installed.
source "$(dirname "$0")/lib/common.sh"
have_zsh=0; command -v zsh >/dev/null && have_zsh=1
have_fish=0; command -v fish >/dev/null && have_fish=1
if [ $have_zsh = 0 ] && [ $have_fish = 0 ]; then echo "neither zsh nor fish installed"; exit 77; fi
ZSH_COMPLETE=$KPKI_SOURCE_DIR/tests/scripts/lib/zsh_complete.zsh
cd "$WORK"
export PATH=$(dirname "$KPKI"):$PATH HOME=$WORK XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data
mkdir -p completions somedir
"$KPKI" completion zsh > completions/_kpki
"$KPKI" completion fish > completions/kpki.fish
touch cluster.yaml

# check WHO LINE WANT NOT GOT: GOT (one candidate a line) holds every word of WANT, none of NOT.
check() {
  local who=$1 line=$2 want=$3 not=$4 got=" ${5//$'\n'/ } " w
  for w in $want; do [[ $got == *" $w "* ]] && pass || fail "$who: '$line<TAB>' does not offer $w (got:$got)"; done
  for w in $not; do [[ $got == *" $w "* ]] && fail "$who: '$line<TAB>' offers $w (got:$got)" || pass; done
}

# LINE|WANT|NOT, asked of every shell and every way of loading the script.
cat > queries.txt <<'EOF'
kpki |ledger revoke crl ca certs init completion|man cluster.yaml
kpki ca |create import rotate|ledger
kpki ledger |list show reconcile rebuild|
kpki init -o |text json yaml summary wide|csv
kpki init -|--config --dir --ledger --leaf-key-library -o --output --dry-run|--profile
kpki init --config cluster.yaml --dir somedir -|--ledger --dry-run|--profile
kpki revoke 5F --reason |keyCompromise superseded|
kpki ca rotate |ca etcd-ca front-proxy-ca|
kpki ca rotate ca --dir somedir --phase |begin reissue finish|
kpki --version |ca init|cluster.yaml
EOF
# LINE|WANT|NOT per shell: files, directories and --flag=value differ in how each shows them.
cat > zsh-queries.txt <<'EOF'
kpki init --config |cluster.yaml somedir|init
kpki init --dir |somedir|cluster.yaml
kpki init --output=|text json|csv
kpki init --dir=|somedir|cluster.yaml
kpki inspect clu|cluster.yaml|somedir
EOF
cat > fish-queries.txt <<'EOF'
kpki init --config |cluster.yaml somedir/|init
kpki init --dir |somedir/|cluster.yaml
kpki init --output=|--output=text --output=json|--output=csv
kpki init --dir=|--dir=somedir/|--dir=cluster.yaml --dir=--dir=somedir/
kpki inspect clu|cluster.yaml|somedir/
EOF

if [ $have_zsh = 1 ]; then
  # An installed _kpki (autoloaded by compinit from $fpath), then `source <(kpki completion zsh)`
  # in a .zshrc after compinit.
  setups=("fpath=(${WORK@Q}/completions \$fpath); autoload -U compinit; compinit -u -d ${WORK@Q}/zdump1"
    "autoload -U compinit; compinit -u -d ${WORK@Q}/zdump2; source <(kpki completion zsh)")
  for i in 0 1; do
    while IFS='|' read -r line want not; do
      if got=$(timeout 60 zsh -f "$ZSH_COMPLETE" "${setups[$i]}" "$line" 2> zsh.err); then
        check "zsh (setup $i)" "$line" "$want" "$not" "$got"
      else
        fail "zsh (setup $i): '$line<TAB>' got no answer: $(cat zsh.err)"
      fi
    done < <(cat queries.txt zsh-queries.txt)
  done
fi

if [ $have_fish = 1 ]; then
  # One fish per way of loading; each answers every query (a line in, the candidates, then "<<end>>").
  for setup in "set -p fish_complete_path ${WORK@Q}/completions" "source ${WORK@Q}/completions/kpki.fish"; do
    cut -d'|' -f1 queries.txt fish-queries.txt |
      fish --no-config -c "$setup
        while read -l line
          complete -C\"\$line\" | string split -f1 \t
          echo '<<end>>'
        end" > fish.out 2> fish.err || fail "fish ($setup) failed: $(cat fish.err)"
    [ -s fish.err ] && fail "fish ($setup) wrote errors: $(cat fish.err)"
    mapfile -t answers < <(awk '/^<<end>>$/ { print line; line = ""; next } { line = line " " $0 }' fish.out)
    n=0
    while IFS='|' read -r line want not; do
      check "fish ($setup)" "$line" "$want" "$not" "${answers[$n]:-}"
      n=$((n + 1))
    done < <(cat queries.txt fish-queries.txt)
  done
fi
finish
