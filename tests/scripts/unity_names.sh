#!/usr/bin/env bash
# Unity builds (cmake/KpkiUnity.cmake): no two files of one unit define the same local name
# (anonymous namespace or static), which would fail the compile or, with other parameters,
# overload silently. Checks the units this build tree's CMake wrote; the controls plant two such
# files in one unit (the same name with other parameters, as libp11's and pkcs11's matches() were)
# and check that the checker refuses them, naming both files, and accepts distinct names.
source "$(dirname "$0")/lib/common.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
check=$KPKI_SOURCE_DIR/tools/check_unity.py
build_dir=$(cd "$(dirname "$KPKI")/.." && pwd)
expect_ok "this build's unity units share no local names" python3 "$check" "$build_dir"

mkdir -p "$WORK/tree/Unity"
cat > "$WORK/a.cpp" <<'CPP'
namespace kpki {
namespace {
bool matches(const std::optional<std::string>& want, const std::string& have) { return true; }
}  // namespace
}  // namespace kpki
CPP
cat > "$WORK/b.cpp" <<'CPP'
namespace kpki {
namespace {
bool matches(const std::optional<std::string>& want, const char* have) { return true; }
constexpr int kOnlyHere = 1;
}  // namespace
static int also_local() { return 2; }
}  // namespace kpki
CPP
printf '#include "%s"\n#include "%s"\n' "$WORK/a.cpp" "$WORK/b.cpp" > "$WORK/tree/Unity/unity_0_cxx.cxx"
out=$(python3 "$check" "$WORK/tree" 2>&1) && fail "a name two files of one unit define passed" || pass
case $out in
  *"'matches' is defined in $WORK/a.cpp and $WORK/b.cpp"*) pass ;;
  *) fail "the refusal does not name the name and both files: $out" ;;
esac
case $out in
  *kOnlyHere* | *also_local*) fail "a name only one file defines was reported: $out" ;;
  *) pass ;;
esac
sed -i 's/bool matches(/bool field_matches(/' "$WORK/b.cpp"
echo 'static int also_local() { return 3; }' >> "$WORK/a.cpp"
out=$(python3 "$check" "$WORK/tree" 2>&1) && fail "a static name two files define passed" || pass
case $out in
  *"'also_local' is defined in"*) pass ;;
  *) fail "the static clash is not named: $out" ;;
esac
sed -i 's/also_local() { return 3; }/other_local() { return 3; }/' "$WORK/a.cpp"
expect_ok "distinct local names pass" python3 "$check" "$WORK/tree"
finish
