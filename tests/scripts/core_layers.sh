#!/usr/bin/env bash
# core's layers (docs/architecture.md, "Layers"): no folder includes one above it, and core
# includes no backends/ or cli/. The control plants an upward include in a copy of core and
# checks that the checker refuses it, naming the file.
source "$(dirname "$0")/lib/common.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
check=$KPKI_SOURCE_DIR/tools/check_layers.py
expect_ok "the source tree keeps its layers" python3 "$check" "$KPKI_SOURCE_DIR"

cp -r "$KPKI_SOURCE_DIR/core" "$WORK/core"
echo '#include "core/kubernetes/plan/plan.h"' >> "$WORK/core/x509/pem.cpp"
out=$(python3 "$check" "$WORK" 2>&1) && fail "an upward include passed the check" || pass
case $out in
  *"core/x509/pem.cpp (layer x509) includes core/kubernetes/plan/plan.h"*) pass ;;
  *) fail "the refusal does not name the file and include: $out" ;;
esac
cp "$KPKI_SOURCE_DIR/core/x509/pem.cpp" "$WORK/core/x509/pem.cpp"
echo '#include "backends/backends.h"' >> "$WORK/core/util/error.cpp"
out=$(python3 "$check" "$WORK" 2>&1) && fail "core including backends/ passed the check" || pass
finish
