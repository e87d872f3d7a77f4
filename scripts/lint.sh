#!/usr/bin/env bash
# Static checks CI runs over the tree (scripts/setup.sh installs the tools):
#   1. formatting: clang-format --dry-run -Werror with the repo's .clang-format;
#   2. function size: no function over 80 lines outside tests/.
# The layering rule (includes point down) is a test: tests/layers_test.cc.
#   scripts/lint.sh
set -euo pipefail
cd "$(dirname "$0")/.."
max_lines=80

mapfile -t sources < <(git ls-files '*.cc' '*.h')
echo "lint: clang-format over ${#sources[@]} files" >&2
clang-format --dry-run -Werror "${sources[@]}"

# universal-ctags gives each function definition's first and last line:
# the length counted is the signature through the closing brace.
mapfile -t code < <(git ls-files '*.cc' '*.h' | grep -v '^tests/')
echo "lint: functions over $max_lines lines in ${#code[@]} files" >&2
long=$(ctags -x --_xformat='%{line} %{end} %N %F' --kinds-c++=f --fields=+ne --languages=C++ \
         "${code[@]}" | awk -v max="$max_lines" '$2 - $1 + 1 > max {
           printf "%s:%s: %s is %d lines\n", $4, $1, $3, $2 - $1 + 1 }')
if [ -n "$long" ]; then
  echo "$long" >&2
  echo "lint: functions over $max_lines lines outside tests/ (split them into named phases)" >&2
  exit 1
fi
echo "lint: clean" >&2
