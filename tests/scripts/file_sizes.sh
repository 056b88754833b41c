#!/usr/bin/env bash
# No C++ file of core/, backends/ or cli/ over 300 lines without a reason written at its top
# (tools/check_file_sizes.py). The control grows a copy of a file past the limit: refused, naming
# it; with the reason line at its top, accepted.
source "$(dirname "$0")/lib/common.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
check=$KPKI_SOURCE_DIR/tools/check_file_sizes.py
expect_ok "every long file says why" python3 "$check" "$KPKI_SOURCE_DIR"

for d in core backends cli; do cp -r "$KPKI_SOURCE_DIR/$d" "$WORK/$d"; done
file=cli/cmd_key.cpp
for i in $(seq 1 301); do echo "// filler $i"; done >> "$WORK/$file"
out=$(python3 "$check" "$WORK" 2>&1) && fail "a long file without a reason passed" || pass
case $out in
  *"$file: "*" lines"*) pass ;;
  *) fail "the refusal does not name $file: $out" ;;
esac
{ echo "// Over 300 lines: a control of the file_sizes test."; cat "$WORK/$file"; } > "$WORK/$file.new"
mv "$WORK/$file.new" "$WORK/$file"
expect_ok "a long file with its reason at the top passes" python3 "$check" "$WORK"
finish
