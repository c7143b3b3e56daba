# Run by bench/exec.ts in `bash --norc --noprofile -c`; see there. Times one command, run "$@" N times.
# $1 = N, then the command and its arguments. Output: one line per call, its wall time in µs taken
# with $EPOCHREALTIME around the call (bash's fork and exec included, bash's start-up not), then
# BENCH-OK; or BENCH-FAIL why, exit 1, when a call exits non-zero.
__n=$1
shift
for ((__i = 0; __i < __n; __i++)); do
  __t0=${EPOCHREALTIME/./}
  "$@" >/dev/null
  __rc=$?
  __t1=${EPOCHREALTIME/./}
  ((__rc == 0)) || { echo "BENCH-FAIL call $((__i + 1)) of $__n exited $__rc"; exit 1; }
  echo $((__t1 - __t0))
done
echo BENCH-OK
