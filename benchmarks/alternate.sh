#!/bin/bash
# Wall time of checkouts side by side on a shared machine: wait until the host is quiet
# (a loop of 10^7 squares under 0.62 s on one core), then run build_speed.py for each
# checkout in turn, three rounds. Compile each checkout first (python -m compileall):
# with PYTHONDONTWRITEBYTECODE set, a checkout without .pyc files compiles at every start.
#   benchmarks/alternate.sh /path/to/old /path/to/new
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-$here/../.venv/bin/python}
loop() { { /usr/bin/time -f "%e" "$python" -c "sum(i*i for i in range(10**7))"; } 2>&1; }
for try in $(seq 1 40); do
  t=$(loop)
  if awk -v t="$t" 'BEGIN { exit !(t < 0.62) }'; then echo "quiet: loop $t s ($(date +%H:%M:%S))"; break; fi
  echo "busy: loop $t s, waiting"; sleep 20
done
cd /tmp || exit 1
for round in 1 2 3; do
  for checkout in "$@"; do
    echo -n "$checkout: "
    TMPDIR=${TMPDIR:-/dev/shm} PYTHONPATH=$checkout "$python" "$here/build_speed.py" --sizes 1000 --repeat 3 2>&1 | grep -E "^ +1000"
  done
done
echo "loop after: $(loop) s ($(date +%H:%M:%S))"
