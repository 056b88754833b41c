// bash and zsh completion: the same tables and the same walk over the command line (plain sh
// that both shells run), then each shell's own way of offering the candidates.
#include "cli/completion_scripts.h"

namespace kpki::cli {

namespace {

// What a value is, as _kpki_reply reads it: "choice V...", "dir" or "file".
std::string value_kind(const CliOption& option) {
  switch (option.kind) {
    case ValueKind::Choice:
      return "choice " + joined_words(option.choices);
    case ValueKind::Dir:
      return "dir";
    case ValueKind::File:
      return "file";
    case ValueKind::None:
      break;
  }
  return "";
}

// The tables: subcommands, flags, what each flag's and positional's value is, and (for zsh) the
// descriptions. `case "PATH|WORD"` keeps every lookup one shell builtin.
std::string tables(const CliCommand& kpki, bool with_descriptions) {
  std::string subs, flags, values, positionals;
  std::vector<std::pair<std::string, std::string>> described;  // label, NAME:DESCRIPTION
  kpki.visit([&](const CliCommand& command) {
    std::string at = command.joined_path();
    std::vector<std::string> sub_names, flag_names;
    for (const auto& sub : command.subcommands) {
      sub_names.push_back(sub.path.back());
      described.emplace_back("sub|" + at, sub.path.back() + ":" + one_line(sub.description));
    }
    int index = 0;
    for (const auto& option : command.options) {
      if (option.positional) {
        std::string label =
            single_quoted(at + "|") + (option.repeatable ? "*" : std::to_string(index));
        positionals += "    " + label + ") echo " + single_quoted(value_kind(option)) + " ;;\n";
        ++index;
        continue;
      }
      for (const auto& name : option.names) {
        flag_names.push_back(name);
        if (option.kind != ValueKind::None)
          values += "    " + single_quoted(at + "|" + name) + ") echo " +
                    single_quoted(value_kind(option)) + " ;;\n";
        described.emplace_back("flag|" + at, name + ":" + one_line(option.description));
      }
    }
    if (!sub_names.empty())
      subs +=
          "    " + single_quoted(at) + ") echo " + single_quoted(joined_words(sub_names)) + " ;;\n";
    flags +=
        "    " + single_quoted(at) + ") echo " + single_quoted(joined_words(flag_names)) + " ;;\n";
  });
  std::string out =
      "# _kpki_subcommands PATH: the verbs under `kpki PATH` (\"\" is kpki itself).\n"
      "_kpki_subcommands() {\n  case \"$1\" in\n" +
      subs +
      "  esac\n}\n\n"
      "# _kpki_flags PATH: the flags of `kpki PATH`.\n"
      "_kpki_flags() {\n  case \"$1\" in\n" +
      flags +
      "  esac\n}\n\n"
      "# _kpki_value PATH FLAG: what FLAG's value is (\"choice VALUE...\", \"dir\", \"file\");\n"
      "# nothing for a flag that takes none.\n"
      "_kpki_value() {\n  case \"$1|$2\" in\n" +
      values +
      "  esac\n}\n\n"
      "# _kpki_positional PATH N: what the Nth argument (from 0) of `kpki PATH` is.\n"
      "_kpki_positional() {\n  case \"$1|$2\" in\n" +
      positionals + "  esac\n}\n\n";
  if (with_descriptions) {
    // One printf per label, its lines grouped (labels come in order).
    out +=
        "# _kpki_described sub|flag PATH: NAME:DESCRIPTION lines.\n"
        "_kpki_described() {\n  local key=\"$1|$2\"\n";
    std::string grouped, current;
    for (const auto& [label, item] : described) {
      if (label != current) {
        grouped += (current.empty() ? "" : "\n") + std::string("  [ \"$key\" = ") +
                   single_quoted(label) + " ] && printf '%s\\n'";
        current = label;
      }
      grouped += " \\\n    " + single_quoted(item);
    }
    out += grouped + "\n  return 0\n}\n\n";
  }
  return out;
}

// The walk over the words up to the cursor, shared by bash and zsh: prints "sub PATH",
// "flag PATH", or the value kind of the flag or positional being completed.
constexpr const char* kWalk = R"SH(# _kpki_is_sub PATH WORD: WORD is a verb under `kpki PATH`.
_kpki_is_sub() {
  case " $(_kpki_subcommands "$1") " in *" $2 "*) return 0 ;; esac
  return 1
}

# _kpki_what WORD...: the command line up to the cursor (the last word is being completed);
# prints what to offer there. bash splits --flag=value at '=', zsh does not: both are read.
_kpki_what() {
  shift
  local at="" npos=0 word kind flag=""
  while [ $# -gt 1 ]; do
    word=$1
    shift
    case $word in
      = | -*=*) ;;
      -*)
        kind=$(_kpki_value "$at" "$word")
        if [ -n "$kind" ]; then
          if [ $# -gt 1 ] && [ "$1" = "=" ]; then shift; fi
          if [ $# -gt 1 ]; then shift; else flag=$word; fi
        fi
        ;;
      *)
        if _kpki_is_sub "$at" "$word"; then
          at=${at:+$at }$word
          npos=0
        else
          npos=$((npos + 1))
        fi
        ;;
    esac
  done
  if [ -n "$flag" ]; then
    _kpki_value "$at" "$flag"
    return
  fi
  case $1 in
    -*=*) _kpki_value "$at" "${1%%=*}" ;;
    -*) echo "flag $at" ;;
    *)
      if [ -n "$(_kpki_subcommands "$at")" ]; then
        echo "sub $at"
      else
        _kpki_positional "$at" "$npos"
      fi
      ;;
  esac
}

)SH";

}  // namespace

std::string single_quoted(const std::string& text, bool fish) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += fish ? "\\'" : "'\\''";
    } else if (fish && c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string bash_completion(const CliCommand& kpki) {
  return "# bash completion for kpki, generated by `kpki completion bash` from kpki's own command\n"
         "# definitions (do not edit). Installed as share/bash-completion/completions/kpki.\n\n" +
         tables(kpki, false) + kWalk +
         R"SH(_kpki() {
  local cur=${COMP_WORDS[COMP_CWORD]} what kind rest
  [ "$cur" = "=" ] && cur=""
  what=$(_kpki_what "${COMP_WORDS[@]:0:COMP_CWORD+1}")
  kind=${what%% *}
  rest=""
  [ "$kind" != "$what" ] && rest=${what#* }
  COMPREPLY=()
  case $kind in
    sub) mapfile -t COMPREPLY < <(compgen -W "$(_kpki_subcommands "$rest")" -- "$cur") ;;
    flag) mapfile -t COMPREPLY < <(compgen -W "$(_kpki_flags "$rest")" -- "$cur") ;;
    choice) mapfile -t COMPREPLY < <(compgen -W "$rest" -- "$cur") ;;
    dir)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      ;;
    file)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      ;;
  esac
}
complete -F _kpki kpki
)SH";
}

std::string zsh_completion(const CliCommand& kpki) {
  return "#compdef kpki\n"
         "# zsh completion for kpki, generated by `kpki completion zsh` from kpki's own command\n"
         "# definitions (do not edit). Installed as share/zsh/vendor-completions/_kpki.\n\n" +
         tables(kpki, true) + kWalk +
         R"SH(_kpki() {
  local what kind rest
  local -a items
  what=$(_kpki_what "${(@)words[1,CURRENT]}")
  kind=${what%% *}
  rest=""
  [[ $kind != "$what" ]] && rest=${what#* }
  [[ ${words[CURRENT]} == -*=* ]] && compset -P '*='
  case $kind in
    sub) items=(${(f)"$(_kpki_described sub "$rest")"}); _describe -t commands 'kpki command' items ;;
    flag) items=(${(f)"$(_kpki_described flag "$rest")"}); _describe -t options 'option' items ;;
    choice) compadd -- ${=rest} ;;
    dir) _files -/ ;;
    file) _files ;;
  esac
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _kpki "$@"
else
  compdef _kpki kpki
fi
)SH";
}

}  // namespace kpki::cli
