# zsh -f zsh_complete.zsh SETUP LINE: what a real interactive zsh offers when TAB is pressed after
# LINE. SETUP is zsh code that loads the completion system and makes `kpki` completable, as a
# user's .zshrc would (compinit with _kpki in $fpath, or compinit then `source <(kpki completion
# zsh)`); the shell then completes LINE through ZLE's complete-word widget, the completion system
# and the completion function. Prints one candidate a
# line, as compadd was handed them after matching (descriptions left out); exit 2 when the shell
# did not answer.
#
# The inner shell runs on a pseudo-terminal (zsh/zpty): ZLE, and with it completion, only runs on
# a terminal. compadd is wrapped to print what it is given (the capture technique of
# zsh-capture-completion); markers before and after the completion delimit its output.
zmodload zsh/zpty || exit 2
setup=$1
line=$2

zpty kpki_zsh zsh -f -i
zpty -w kpki_zsh "PROMPT= RPROMPT= PS2=; unsetopt zle_bracketed_paste 2>/dev/null"
zpty -w kpki_zsh "$setup"
# The capture code goes through a file: once ^M and ^J are unbound, no typed line would run.
capture=$(mktemp "${TMPDIR:-/tmp}/kpki-zsh-capture-XXXXXX")
trap 'rm -f "$capture"' EXIT
cat > "$capture" <<'CAPTURE'
bindkey '^M' undefined; bindkey '^J' undefined; bindkey '^I' complete-word
kpki_marker() { print -rn -- $'\n<<kpki-capture>>\n' }
compprefuncs=(kpki_marker)
comppostfuncs=(kpki_marker exit)
zstyle ':completion:*' insert-tab false
zstyle ':completion:*' list-grouped false
compadd() {
  # Calls that only ask for matches (-O/-A/-D) are the completion system's own business.
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  local -a kpki_hits
  builtin compadd -A kpki_hits "$@"
  (( $#kpki_hits )) && print -rl -- "<<hit>>"${^kpki_hits}
  builtin compadd "$@"
}
print -r -- '<<kpki-ready>>'
CAPTURE
zpty -w kpki_zsh "source ${(q)capture}"
# Wait for the shell to be set up, then press TAB after the line.
ready=0
repeat 300; do  # up to 30 s: compinit on a loaded machine, kpki under ASan
  zpty -rt kpki_zsh out '*<<kpki-ready>>*' && { ready=1; break; }
  sleep 0.1
done
(( ready )) || { print -u2 "zsh did not start"; exit 2; }
zpty -w -n kpki_zsh "$line"$'\t'

# Read until the second marker (or the shell's exit): what lies between is the completion's.
output=""
repeat 400; do
  while zpty -rt kpki_zsh chunk 2>/dev/null; do output+=$chunk; done
  [[ $output == *'<<kpki-capture>>'*'<<kpki-capture>>'* ]] && break
  sleep 0.05
done
zpty -d kpki_zsh 2>/dev/null
[[ $output == *'<<kpki-capture>>'*'<<kpki-capture>>'* ]] || { print -u2 "no completion output"; exit 2; }
inner=${${output#*<<kpki-capture>>}%%<<kpki-capture>>*}
for l in ${(f)inner//$'\r'/}; do
  [[ $l == '<<hit>>'* ]] && print -r -- ${l#<<hit>>}
done
exit 0
