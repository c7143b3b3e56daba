# Run by bench/hook.ts in `zsh -f -c`; see there. Times one tool's hook.
zmodload zsh/datetime || { print "BENCH-FAIL zsh/datetime"; exit 1 }
_bench_fail() { print -r -- "BENCH-FAIL $BENCH_TOOL/zsh: $*"; exit 1 }
# What zsh does before each prompt (chpwd_functions run from cd itself).
_bench_prompt() {
  local __bench_f
  for __bench_f in $precmd_functions; do $__bench_f; done
}
_bench_check() {
  [[ $BENCH_TOOL == none ]] && return 0
  local out
  if [[ $1 == in ]]; then
    [[ $PWD == "$BENCH_PROJ" ]] || _bench_fail "PWD=$PWD, expected $BENCH_PROJ"
    [[ ${GREETING-<unset>} == hi ]] || _bench_fail "in the project ($2): GREETING=${GREETING-<unset>}, expected hi"
    [[ ${DATA-<unset>} == "$BENCH_PROJ/data" ]] || _bench_fail "in the project ($2): DATA=${DATA-<unset>}, expected $BENCH_PROJ/data"
    out=$(bench-hello 2>&1)
    [[ $out == "bench-hello $BENCH_TOOL" ]] || _bench_fail "in the project ($2): bench-hello printed '$out'; PATH=$PATH"
  else
    [[ $PWD == "$BENCH_OUT" ]] || _bench_fail "PWD=$PWD, expected $BENCH_OUT"
    (( ${+GREETING} || ${+DATA} )) && _bench_fail "after leaving ($2): GREETING=${GREETING-<unset>} DATA=${DATA-<unset>}, expected both unset"
    [[ $PATH == "$_bench_path0" ]] || _bench_fail "after leaving ($2): PATH=$PATH, expected $_bench_path0"
    whence -p bench-hello >/dev/null && _bench_fail "after leaving ($2): bench-hello still on PATH"
  fi
  return 0
}
_bench_us() { REPLY=$(( epochtime[1] * 1000000 + epochtime[2] / 1000 )) }
print "version $ZSH_VERSION"
cd "$BENCH_OUT" || _bench_fail "cd $BENCH_OUT"
eval "$BENCH_RC"
_bench_prompt
_bench_path0=$PATH
for _bench_i in 1 2 3; do
  cd "$BENCH_PROJ" || _bench_fail "cd"
  _bench_prompt
  _bench_check in "warm-up $_bench_i"
  cd .. || _bench_fail "cd .."
  _bench_prompt
  _bench_check out "warm-up $_bench_i"
done
cd "$BENCH_PROJ" && _bench_prompt && _bench_prompt
_bench_us; _bench_t0=$REPLY
for (( _bench_i = 0; _bench_i < BENCH_N_PROMPT; _bench_i++ )); do _bench_prompt; done
_bench_us; _bench_t1=$REPLY
print "prompt $(( _bench_t1 - _bench_t0 )) $BENCH_N_PROMPT"
_bench_check in "after the prompt loop"
cd .. && _bench_prompt
_bench_check out "before the cd loop"
_bench_us; _bench_t0=$REPLY
for (( _bench_i = 0; _bench_i < BENCH_N_CD; _bench_i++ )); do
  cd "$BENCH_PROJ"
  _bench_prompt
  cd ..
  _bench_prompt
done
_bench_us; _bench_t1=$REPLY
print "cd $(( _bench_t1 - _bench_t0 )) $BENCH_N_CD"
_bench_check out "after the cd loop"
cd "$BENCH_PROJ" && _bench_prompt
_bench_check in "after the cd loop"
# First visits (devenv): see hook-bench.bash.
if [[ -n ${BENCH_FIRST_RM-} ]]; then
  _bench_s=() _bench_n=()
  for (( _bench_i = 0; _bench_i < BENCH_N_FIRST; _bench_i++ )); do
    cd .. && _bench_prompt
    command rm -rf -- "$BENCH_FIRST_RM"
    [[ -e $BENCH_FIRST_RM ]] && _bench_fail "could not remove $BENCH_FIRST_RM"
    _bench_us; _bench_t0=$REPLY
    cd "$BENCH_PROJ"
    _bench_prompt
    _bench_us; _bench_t1=$REPLY
    _bench_s+=($(( _bench_t1 - _bench_t0 )))
    _bench_check in "first visit $_bench_i"
    [[ -e $BENCH_FIRST_RM ]] || _bench_fail "first visit $_bench_i wrote no activation in $BENCH_FIRST_RM"
    _bench_us; _bench_t0=$REPLY
    "$BENCH_NODE" -e 0
    _bench_us; _bench_t1=$REPLY
    _bench_n+=($(( _bench_t1 - _bench_t0 )))
  done
  print "first ${_bench_s[*]}"
  print "node ${_bench_n[*]}"
fi
print BENCH-OK
