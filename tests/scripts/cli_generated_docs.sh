#!/usr/bin/env bash
# The man page and the bash, zsh and fish completions are generated from kpki's own command
# definitions (issue 23): every verb and flag `--help` shows is in each of them; a real bash
# completes verbs, sub-verbs, flags, enum values and file/directory arguments (the script sourced,
# COMP_WORDS/COMP_CWORD set, _kpki called, COMPREPLY read); zsh and fish do too when installed
# (cli_completion_shells drives zsh's whole completion system and fish's as a user's shell does).
# The man page names every environment variable the sources read and every exit code of
# cli/exit_codes.h, and renders without groff warnings. The build's packaging/ files are exactly
# what the binary prints.
source "$(dirname "$0")/lib/common.sh"
cd "$WORK"
BUILD=$(dirname "$(dirname "$KPKI")")

# The man page as the build writes it: naming the package's doc directory.
KPKI_DOC_DIR=/usr/share/doc/kpki "$KPKI" man > kpki.1
"$KPKI" completion bash > kpki.bash
"$KPKI" completion zsh > _kpki
"$KPKI" completion fish > kpki.fish

# --- every verb and flag of --help, found from the help itself ----------------------------------
# verbs.txt: one line per verb path ("ca create"); flags.txt: "PATH<TAB>--flag" per flag.
python3 - "$KPKI" <<'PY' || fail "help walker crashed"
import re, subprocess, sys
kpki = sys.argv[1]
verbs, flags = open("verbs.txt", "w"), open("flags.txt", "w")
def section(text, title):
    out, inside = [], False
    for line in text.splitlines():
        if re.match(r"^\S", line):
            inside = line.strip() == title + ":"
        elif inside and line.startswith("  ") and not line.startswith("   "):
            out.append(line.strip())
    return out
def walk(path):
    text = subprocess.run([kpki, *path, "--help"], capture_output=True, text=True, check=True).stdout
    if path:
        verbs.write(" ".join(path) + "\n")
    for line in section(text, "Options"):
        for name in line.split()[0].split(","):
            if name.startswith("-"):
                flags.write(" ".join(path) + "\t" + name + "\n")
    for line in section(text, "Subcommands"):
        walk(path + [line.split()[0]])
walk([])
PY
[ "$(wc -l < verbs.txt)" -ge 25 ] && pass || fail "only $(wc -l < verbs.txt) verbs found in --help"
for verb in "ca import" "ca rotate" ledger revoke crl "ledger rebuild" completion; do
  grep -qx "$verb" verbs.txt && pass || fail "--help walk misses '$verb'"
done

have_zsh=0; command -v zsh >/dev/null && have_zsh=1
have_fish=0; command -v fish >/dev/null && have_fish=1
mkdir -p somedir && touch some-file.crt

# Completion queries are queued, then each shell answers all of its queries in one process (a
# shell per query would take minutes). ask SHELLS WANT NOT WORD...: with the command line WORD...
# (the last word is the one being completed), each of SHELLS ("bash zsh fish") offers every word
# of WANT and none of NOT.
: > expect.txt
: > q.bash
: > q.zsh
: > q.fish
ask() {
  local shells=$1 want=$2 not=$3 shell
  shift 3
  for shell in $shells; do
    [ "$shell" = zsh ] && [ $have_zsh = 0 ] && continue
    [ "$shell" = fish ] && [ $have_fish = 0 ] && continue
    if [ "$shell" = fish ]; then echo "$*" >> q.fish; else printf '%q ' "$@" >> "q.$shell"; echo >> "q.$shell"; fi
    printf '%s|%s|%s|%s\n' "$shell" "$want" "$not" "$*" >> expect.txt
  done
}

# Each verb: in the man page (".SS kpki PATH"), offered by each shell after its parent; each
# flag: in the man page (-h/--help aside, which every verb has) and offered after "-".
man_text=$(sed 's/\\-/-/g; s/\\e/\\/g' kpki.1)
while read -r verb; do
  grep -qxF ".SS kpki $verb" <<<"$man_text" && pass || fail "man page: no section for '$verb'"
  read -ra words <<<"$verb"
  ask "bash zsh fish" "${words[-1]}" "" kpki "${words[@]:0:${#words[@]}-1}" ""
done < verbs.txt
while IFS='|' read -r verb flag; do
  read -ra words <<<"$verb"
  if [ -n "$verb" ] && [ "$flag" != -h ] && [ "$flag" != --help ]; then
    section=$(awk -v s=".SS kpki $verb" '$0 == s { on = 1; next } /^\.S[SH] / { on = 0 } on' <<<"$man_text")
    grep -qF -- "$flag" <<<"$section" && pass || fail "man page: '$verb' lacks $flag"
  fi
  ask "bash zsh fish" "$flag" "" kpki "${words[@]}" -
done < <(tr '\t' '|' < flags.txt)

# Values: enums, files, directories, --flag=value.
ask "bash zsh fish" "ledger revoke crl completion init" "man" kpki ""
ask "bash zsh fish" "create import rotate" "" kpki ca ""
ask "bash zsh fish" "ca init" "some-file.crt" kpki --version ""  # --version takes no value
ask "bash zsh fish" "server client peer" "ca" kpki issue --profile ""
ask "bash" "server" "client" kpki issue --profile se
ask "bash" "server" "" kpki issue --profile = se         # bash splits --profile=se at '='
ask "zsh" "server client peer" "" kpki issue --profile=
ask "bash zsh fish" "text json" "csv" kpki init -o ""
ask "bash zsh fish" "text json csv" "" kpki bench -o ""
ask "bash zsh fish" "rsa-2048 ecdsa-p256 ed25519" "" kpki ca create --algorithm ""
ask "bash zsh fish" "keyCompromise superseded" "" kpki revoke 5F --reason ""
ask "bash zsh fish" "ca etcd-ca front-proxy-ca" "" kpki ca rotate ""
ask "bash zsh fish" "begin reissue finish" "" kpki ca rotate ca --dir out --phase ""
ask "bash zsh fish" "bash zsh fish" "" kpki completion ""
ask "bash fish" "some-file.crt" "" kpki issue --out so
ask "bash fish" "some-file.crt" "" kpki inspect so
ask "bash" "somedir" "some-file.crt" kpki init --dir so
ask "fish" "somedir/" "some-file.crt" kpki init --dir so
ask "zsh" "file" "" kpki issue --out ""                  # zsh hands these to _files
ask "zsh" "dir" "" kpki init --dir ""
ask "bash zsh fish" "--leaf-key-library --ledger -o --dry-run" "--profile" kpki init --config c.yaml -
ask "bash zsh fish" "--dry-run --node -o" "" kpki certs renew all --dir d -
ask "bash zsh fish" "--crl" "" kpki verify --ca ca.crt -
ask "bash zsh fish" "--cluster" "" kpki bench -

bash -c 'source ./kpki.bash
  while IFS= read -r line; do
    eval "COMP_WORDS=($line)"; COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _kpki
    echo "${COMPREPLY[*]}"
  done' < q.bash > a.bash 2> bash.err || fail "bash completion crashed: $(cat bash.err)"
if [ $have_zsh = 1 ]; then
  zsh -c 'source ./_kpki 2>/dev/null
    while IFS= read -r line; do
      eval "w=($line)"; what=$(_kpki_what "${w[@]}"); kind=${what%% *}; rest=${what#* }
      [[ $kind == $what ]] && rest=""
      case $kind in
        sub) print -r -- "$(_kpki_subcommands "$rest")" ;;
        flag) print -r -- "$(_kpki_flags "$rest")" ;;
        choice) print -r -- "$rest" ;;
        *) print -r -- "$kind" ;;
      esac
    done' < q.zsh > a.zsh 2> zsh.err || fail "zsh completion crashed: $(cat zsh.err)"
  expect_ok "zsh loads _kpki under compinit" zsh -fc 'autoload -U compinit; compinit -u -d compdump; fpath=(. $fpath); autoload -U _kpki; source ./_kpki'
fi
if [ $have_fish = 1 ]; then
  fish -c 'source ./kpki.fish
    while read -l line
      echo (complete -C"$line" | string split -f1 \t | string join " ")
    end' < q.fish > a.fish 2> fish.err || fail "fish completion crashed: $(cat fish.err)"
fi
for sh in bash zsh fish; do
  if [ -f "a.$sh" ]; then mapfile -t "ans_$sh" < "a.$sh"; fi
done
declare -A answered=([bash]=0 [zsh]=0 [fish]=0)
while IFS='|' read -r shell want not line; do
  ref="ans_$shell[${answered[$shell]}]"
  answered[$shell]=$((answered[$shell] + 1))
  got=" ${!ref:-} "
  for w in $want; do [[ $got == *" $w "* ]] && pass || fail "$shell: '$line<TAB>' does not offer $w (got:$got)"; done
  for w in $not; do [[ $got == *" $w "* ]] && fail "$shell: '$line<TAB>' offers $w" || pass; done
done < expect.txt

# --- the man page: environment, exit codes, rendering -------------------------------------------
envs=$(grep -rhoE 'getenv\("[A-Z0-9_]+"\)' "$KPKI_SOURCE_DIR"/cli "$KPKI_SOURCE_DIR"/core \
  "$KPKI_SOURCE_DIR"/backends | sed -E 's/getenv\("(.*)"\)/\1/' | sort -u)
[ -n "$envs" ] && pass || fail "no getenv found in the sources"
environment=$(awk '/^\.SH ENVIRONMENT/ { on = 1; next } /^\.SH / { on = 0 } on' kpki.1 | sed 's/\\-/-/g')
for var in $envs; do
  grep -q "\b$var\b" <<<"$environment" && pass || fail "man page ENVIRONMENT lacks $var"
done
exit_status=$(awk '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH / { on = 0 } on' kpki.1)
for code in 0 1 2 $(grep -oE 'return [0-9]+;' "$KPKI_SOURCE_DIR/cli/exit_codes.h" | grep -oE '[0-9]+'); do
  grep -qx ".B $code" <<<"$exit_status" && pass || fail "man page EXIT STATUS lacks $code"
done
for section in NAME SYNOPSIS DESCRIPTION COMMANDS "KEY URIS" "EXIT STATUS" ENVIRONMENT FILES; do
  grep -qx ".SH $section" kpki.1 && pass || fail "man page lacks .SH $section"
done
warnings=$(groff -man -Tutf8 -ww -z kpki.1 2>&1)
[ -z "$warnings" ] && pass || fail "groff warns: $warnings"
grep -q '/usr/share/doc/kpki/docs/hsm.md' kpki.1 && pass || fail "man page does not name the installed docs"

# --- the build wrote the same files into its packaging/ -----------------------------------------
for pair in "kpki.1 kpki.1" "kpki.bash kpki.bash-completion" "_kpki _kpki" "kpki.fish kpki.fish"; do
  set -- $pair
  if [ ! -f "$BUILD/packaging/$2" ]; then
    fail "the build did not generate packaging/$2"
  elif KPKI_DOC_DIR=/usr/share/doc/kpki "$KPKI" $(case $1 in kpki.1) echo man ;; kpki.bash) echo completion bash ;;
      _kpki) echo completion zsh ;; kpki.fish) echo completion fish ;; esac) | cmp -s - "$BUILD/packaging/$2"; then
    pass
  else
    fail "packaging/$2 differs from what kpki prints now (stale build output)"
  fi
done
if [ -f "$BUILD/packaging/kpki.1.gz" ] && gzip -dc "$BUILD/packaging/kpki.1.gz" | cmp -s - "$BUILD/packaging/kpki.1"; then pass; else
  fail "packaging/kpki.1.gz is not kpki.1 compressed"
fi
finish
