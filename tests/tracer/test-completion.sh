#!/bin/bash
# test-completion.sh: the bash completion of mlscope (tracer/completion)
# offers its commands, each command's options as its --help lists them,
# and recordings (*.mlscope) where a recording is expected. TAP output.
# Usage: test-completion.sh COMPLETION_FILE MLSCOPE_DIR
set -u
source /usr/share/bash-completion/bash_completion || exit 1
source "$1" || exit 1
PATH="$2:$PATH"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" && touch run.mlscope notes.txt && mkdir trace

n=0 failed=0
complete_line () {   # WORDS...: COMPREPLY for the last word
  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
  COMPREPLY=(); _mlscope
}
expect () {          # NAME WANTED [UNWANTED]
  n=$((n + 1))
  local got=" ${COMPREPLY[*]} "
  if [[ $got == *" $2 "* && ( -z ${3:-} || $got != *" $3 "* ) ]]; then
    echo "ok $n $1"
  else
    echo "not ok $n $1: wanted '$2'${3:+, not '$3'}, got:$got"
    failed=1
  fi
}

complete_line mlscope st;               expect commands stats
complete_line mlscope stats --by;       expect stats-options --by-process
complete_line mlscope record --a;       expect record-options --all-processes
complete_line mlscope stats "";         expect recordings run.mlscope notes.txt
complete_line mlscope import "";        expect trace-directories trace run.mlscope
complete_line mlscope stats x --format ""; expect formats csv
complete_line mlscope d;                expect diff-command diff
complete_line mlscope diff a.mlscope ""; expect diff-recordings run.mlscope notes.txt
complete_line mlscope diff --sort "";   expect diff-sort p90 incomplete
complete_line mlscope advise --rule m;  expect advise-rules model-reloaded
complete_line mlscope re;               expect relay-command relay
complete_line mlscope relay "";         expect relay-actions status
complete_line mlscope record --li;      expect record-live --live
complete_line mlscope stats --by-h;     expect stats-by-host --by-host
echo "1..$n"
exit $failed
