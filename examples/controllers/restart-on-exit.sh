#!/bin/sh
# A tend controller in shell (controller = true): it reads tend's event stream on stdin, as
# tab-separated lines, and starts again every named service it sees exit (all, without names).
# Its stdout goes to tend as commands; tend's answers ("ok start web") come back on stdin.
#   [services.keeper]
#   args = ["sh", "examples/controllers/restart-on-exit.sh", "job"]
#   controller = true
tab=$(printf '\t')
# the first three fields are never empty, so read's folding of tabs cannot shift them
while IFS="$tab" read -r kind name state rest; do
  [ "$kind" = service.state ] && [ "$state" = exited ] || continue
  if [ $# -eq 0 ]; then
    echo "start $name"
    continue
  fi
  for wanted in "$@"; do
    [ "$wanted" = "$name" ] && echo "start $name"
  done
done
