# devenv hook for bash. Put `eval "$(devenv hook bash)"` in ~/.bashrc.
#
# At each prompt (and after cd/pushd/popd) the hook runs one generated test (regenerated into
# `_devenv_hook` by each switch):
# same $PWD, the same devenv.ts files up the tree, every project's cached activation (in the
# user's state dir, never in the project) newer than its devenv.ts and devenv.lock. Builtins
# only: no process. Otherwise `_devenv_switch` walks up from $PWD, loads the cached activations,
# runs devenv only for those missing or stale, undoes the layers that no longer apply and applies
# the new ones. What it changed is kept in the exported DEVENV_STATE, so undo needs neither the
# config nor the cache, and subshells and new panes inherit it.
# DEVENV_STATE (format in src/shell/state.ts): fields end with \x1f; inside them \x1d, \x1f and
# newline are written \x1d0, \x1d1 and \x1d3. A value too long to keep there (over 4096
# characters, or past 16384 for one layer) goes to a file in the values dir, written with a
# builtin redirect, and its field is \x1d2 and the file's path: DEVENV_STATE stays small, far
# below the kernel's 128 KiB per variable, whatever the project sets.

_devenv_node=@NODE@
_devenv_cli=@CLI@
_devenv_act=@ACT@
_devenv_stamp=@STAMP@
_devenv_vals=@VALS@
_devenv_global=@GLOBAL@
_devenv_pwd= _devenv_seen= _devenv_warned=${_devenv_warned-}
_devenv_lroot=() _devenv_lgen=() _devenv_lrec=()
export __DEVENV_HOOK="bash:$$"

# Replaced by _devenv_switch with one that starts with the generated "nothing changed" test.
_devenv_hook() {
  _devenv_rc=$?
  _devenv_switch
  return $_devenv_rc
}

# Load the current activation of root $2 into array _devenv_F$1 and _devenv_file[$1].
_devenv_load() {
  local __dv_dir=$_devenv_act${2%/} __dv_gen=
  _devenv_file[$1]=
  [[ -r $__dv_dir/.devenv.current ]] && IFS= read -r __dv_gen <"$__dv_dir/.devenv.current" || return 1
  [[ -r $__dv_dir/.devenv.$__dv_gen.act ]] || return 1
  mapfile -d '' -t "_devenv_F$1" <"$__dv_dir/.devenv.$__dv_gen.act"
  local -n __dv_a=_devenv_F$1
  [[ ${__dv_a[0]-} == devenv-activation-1 ]] || return 1
  _devenv_file[$1]=$__dv_dir/.devenv.$__dv_gen.act
}

# Encode $1 as a DEVENV_STATE field into __dv_f.
_devenv_enc() {
  __dv_f=${1//$'\x1d'/$'\x1d0'}
  __dv_f=${__dv_f//$'\x1f'/$'\x1d1'}
  __dv_f=${__dv_f//$'\n'/$'\x1d3'}
}

# Decode field $1 into __dv_x (not inside "…": there $'…' in a replacement needs extquote). A
# reference is read from its file; fails if that is gone or cut short.
_devenv_dec() {
  if [[ $1 != $'\x1d2'* ]]; then
    __dv_x=${1//$'\x1d3'/$'\n'}
    __dv_x=${__dv_x//$'\x1d1'/$'\x1f'}
    __dv_x=${__dv_x//$'\x1d0'/$'\x1d'}
    return 0
  fi
  _devenv_dec "${1:2}"
  _devenv_read "$__dv_x"
}

# Read value file $1 (the value, \0=\0) into __dv_x; fails if it is gone or cut short.
_devenv_read() {
  local __dv_v=()
  [[ -f $1 ]] && mapfile -d '' -t __dv_v 2>/dev/null <"$1"
  [[ ${#__dv_v[@]} == 2 && ${__dv_v[1]} == = ]] || return 1
  __dv_x=${__dv_v[0]}
}

# The field for value $1 into __dv_f: encoded, or when too long for the layer's records __dv_u,
# a reference to a file holding it (value, \0=\0). $2, if given, names the file of a value that
# is the same for every shell (o.<generation>.<NAME>), reused when it is there and complete.
_devenv_field() {
  if ((${#1} <= 4096)); then
    _devenv_enc "$1"
    ((${#__dv_f} <= 4096 && ${#__dv_u} + ${#__dv_f} <= 16384)) && return 0
  fi
  local __dv_p=$_devenv_vals/$2 __dv_k __dv_x
  if [[ -n $2 ]]; then
    _devenv_read "$__dv_p" && [[ $__dv_x == "$1" ]] && __dv_k=ok
  else
    for __dv_k in 1 2 3; do
      __dv_p=$_devenv_vals/p.$$.$RANDOM$RANDOM
      [[ -e $__dv_p ]] || break
    done
    __dv_k=
  fi
  if [[ -n $__dv_k ]] || { printf '%s\0=\0' "$1" >"$__dv_p"; } 2>/dev/null; then
    _devenv_enc "$__dv_p"
    __dv_f=$'\x1d2'$__dv_f
  else
    _devenv_enc "$1" # the values dir is gone: inline after all
  fi
}

# Apply activation _devenv_F$1; its undo records are appended to __dv_u.
_devenv_apply() {
  local -n __dv_a=_devenv_F$1
  local __dv_j=3 __dv_n=${#__dv_a[@]} __dv_name __dv_val __dv_had __dv_cur __dv_add __dv_x __dv_f
  local __dv_gen=${_devenv_file[$1]##*/.devenv.}
  __dv_gen=${__dv_gen%.act}
  while ((__dv_j < __dv_n)); do
    case ${__dv_a[__dv_j]} in
    S | P)
      __dv_name=${__dv_a[__dv_j + 1]} __dv_val=${__dv_a[__dv_j + 2]} __dv_had=0 __dv_cur=
      if [[ -v $__dv_name ]]; then
        __dv_cur=${!__dv_name} __dv_had=2
        [[ ${!__dv_name@a} == *x* ]] && __dv_had=1
      fi
      if [[ ${__dv_a[__dv_j]} == S ]]; then
        export "$__dv_name=$__dv_val"
        __dv_u+=S$'\x1f'$__dv_name$'\x1f'$__dv_had$'\x1f'
        # A field with nothing to encode that fits inline needs no call.
        if ((${#__dv_cur} <= 4096 && ${#__dv_u} + ${#__dv_cur} <= 16384)) && [[ $__dv_cur != *[$'\x1d\x1f\n']* ]]; then
          __dv_u+=$__dv_cur$'\x1f'
        else
          _devenv_field "$__dv_cur"
          __dv_u+=$__dv_f$'\x1f'
        fi
        if ((${#__dv_val} <= 4096 && ${#__dv_u} + ${#__dv_val} <= 16384)) && [[ $__dv_val != *[$'\x1d\x1f\n']* ]]; then
          __dv_u+=$__dv_val$'\x1f'
        else
          _devenv_field "$__dv_val" "o.$__dv_gen.$__dv_name"
          __dv_u+=$__dv_f$'\x1f'
        fi
      else
        # Prepend the entries not already there; record exactly those.
        __dv_val+=: __dv_add=
        while [[ -n $__dv_val ]]; do
          __dv_x=${__dv_val%%:*} __dv_val=${__dv_val#*:}
          [[ ":$__dv_cur:$__dv_add" == *":$__dv_x:"* ]] || __dv_add+=$__dv_x:
        done
        if [[ -n $__dv_add ]]; then
          __dv_add=${__dv_add%:}
          export "$__dv_name=$__dv_add${__dv_cur:+:$__dv_cur}"
          __dv_u+=P$'\x1f'$__dv_name$'\x1f'$__dv_had$'\x1f'
          if ((${#__dv_add} <= 4096 && ${#__dv_u} + ${#__dv_add} <= 16384)) && [[ $__dv_add != *[$'\x1d\x1f\n']* ]]; then
            __dv_u+=$__dv_add$'\x1f'
          else
            _devenv_field "$__dv_add"
            __dv_u+=$__dv_f$'\x1f'
          fi
        fi
      fi
      ((__dv_j += 3))
      ;;
    *) ((__dv_j += 2)) ;;
    esac
  done
}

# Undo the records in __dv_ua (one layer), last change first. A value the user changed since
# is theirs and stays; from list variables only the entries devenv added are removed. A record
# whose value file is gone (see src/state/hook-values.ts) leaves its variable as it is.
_devenv_undo() {
  local __dv_j __dv_starts=() __dv_n=${#__dv_ua[@]} __dv_name __dv_had __dv_x __dv_add __dv_p
  for ((__dv_j = 0; __dv_j < __dv_n; )); do
    __dv_starts+=("$__dv_j")
    [[ ${__dv_ua[__dv_j]} == S ]] && ((__dv_j += 5)) || ((__dv_j += 4))
  done
  for ((__dv_p = ${#__dv_starts[@]} - 1; __dv_p >= 0; __dv_p--)); do
    __dv_j=${__dv_starts[__dv_p]}
    __dv_name=${__dv_ua[__dv_j + 1]} __dv_had=${__dv_ua[__dv_j + 2]}
    [[ -v $__dv_name ]] || continue
    # A field without \x1d is its own value (encoded ones and file references hold one).
    if [[ ${__dv_ua[__dv_j]} == S ]]; then
      __dv_x=${__dv_ua[__dv_j + 4]}
      [[ $__dv_x != *$'\x1d'* ]] || _devenv_dec "$__dv_x" || continue
      [[ ${!__dv_name} == "$__dv_x" ]] || continue
      __dv_x=${__dv_ua[__dv_j + 3]}
      [[ $__dv_x != *$'\x1d'* ]] || _devenv_dec "$__dv_x" || continue
    else
      __dv_x=${__dv_ua[__dv_j + 3]}
      [[ $__dv_x != *$'\x1d'* ]] || _devenv_dec "$__dv_x" || continue
      __dv_add=$__dv_x: __dv_x=:${!__dv_name}:
      while [[ -n $__dv_add ]]; do
        __dv_x=${__dv_x/":${__dv_add%%:*}:"/:} __dv_add=${__dv_add#*:}
      done
      __dv_x=${__dv_x#:} __dv_x=${__dv_x%:}
      [[ $__dv_had == 0 && -z $__dv_x ]] && __dv_had=unset
    fi
    case $__dv_had in
    0 | unset) unset "$__dv_name" ;;
    1) export "$__dv_name=$__dv_x" ;;
    *) export "$__dv_name=$__dv_x" && export -n "$__dv_name" ;;
    esac
  done
}

# devenv x / devenv shell -p: the dirs of the tools it named (DEVENV_TOP_DIRS) go back to the front of
# PATH after each switch, whatever it applied or undid. They are no layer: nothing records or undoes them.
_devenv_top() {
  local __dv_t=$DEVENV_TOP_DIRS: __dv_p=:${PATH-}: __dv_add= __dv_x
  while [[ -n $__dv_t ]]; do
    __dv_x=${__dv_t%%:*} __dv_t=${__dv_t#*:}
    [[ -n $__dv_x ]] || continue
    while [[ $__dv_p == *":$__dv_x:"* ]]; do __dv_p=${__dv_p/":$__dv_x:"/:}; done
    __dv_add+=$__dv_x:
  done
  __dv_p=${__dv_p#:} __dv_p=${__dv_p%:}
  export PATH=${__dv_add%:}${__dv_p:+:$__dv_p}
}

_devenv_switch() {
  local - IFS=$'\x1f' __dv_ncm=
  set +eu -f
  shopt -q nocasematch && { __dv_ncm=1; shopt -u nocasematch; }
  local __dv_d=${PWD%/} __dv_roots=() __dv_test= __dv_need=() __dv_i __dv_j __dv_r __dv_x __dv_s __dv_ua __dv_u __dv_state __dv_f
  local __dv_lroot=() __dv_lgen=() __dv_lrec=() __dv_eff=() __dv_keep=0 __dv_t=0
  _devenv_file=() _devenv_st=()
  # The projects from / down to $PWD, and what the fast test must see to skip all this; the
  # user-wide project (devenv add -g) is the outermost layer everywhere, once.
  while :; do
    if [[ $__dv_d == "$_devenv_global" ]]; then
      :
    elif [[ -f $__dv_d/devenv.ts ]]; then
      __dv_roots=("${__dv_d:-/}" "${__dv_roots[@]}")
    else
      __dv_x=$__dv_d/devenv.ts
      __dv_test+=" && ! -f ${__dv_x@Q}"
    fi
    [[ -z $__dv_d ]] && break
    __dv_d=${__dv_d%/*}
  done
  if [[ -f $_devenv_global/devenv.ts ]]; then
    __dv_roots=("$_devenv_global" "${__dv_roots[@]}")
  else
    __dv_x=$_devenv_global/devenv.ts
    __dv_test+=" && ! -f ${__dv_x@Q}"
  fi
  # Load each project's cached activation; run devenv for those missing or stale.
  for __dv_i in "${!__dv_roots[@]}"; do
    __dv_r=${__dv_roots[__dv_i]%/}
    if _devenv_load "$__dv_i" "$__dv_r" && [[ ! $__dv_r/devenv.ts -nt ${_devenv_file[__dv_i]} && ! $__dv_r/devenv.lock -nt ${_devenv_file[__dv_i]} ]]; then
      local -n __dv_a=_devenv_F$__dv_i
      [[ ${__dv_a[1]} == ok || ! $_devenv_stamp -nt ${_devenv_file[__dv_i]} ]] || { __dv_need+=("$__dv_i"); continue; }
      # T (tool), D (store dir) and I (input file) records come first.
      for ((__dv_j = 3; __dv_j < ${#__dv_a[@]}; __dv_j += 2)); do
        __dv_x=${__dv_a[__dv_j + 1]}
        case ${__dv_a[__dv_j]} in
        T) ;;
        D) [[ -d $__dv_x ]] || { __dv_need+=("$__dv_i"); break; } ;;
        I) [[ -e $__dv_x && ! $__dv_x -nt ${_devenv_file[__dv_i]} ]] || { __dv_need+=("$__dv_i"); break; } ;;
        *) break ;;
        esac
      done
    else
      __dv_need+=("$__dv_i")
    fi
  done
  if ((${#__dv_need[@]})); then
    __dv_s=()
    for __dv_i in "${__dv_need[@]}"; do __dv_s+=("${__dv_roots[__dv_i]}"); done
    "$_devenv_node" "$_devenv_cli" hook-env --activations "$_devenv_act" -- "${__dv_s[@]}" </dev/null
    for __dv_i in "${__dv_need[@]}"; do
      _devenv_load "$__dv_i" "${__dv_roots[__dv_i]}" && continue
      # devenv wrote nothing (it failed): try again when devenv.ts or devenv.lock change.
      _devenv_file[__dv_i]=$_devenv_act/.devenv.failed
      : >"$_devenv_act/.devenv.failed"
      eval "_devenv_F$__dv_i=(devenv-activation-1 error '')"
    done
  fi
  # Which target layers change anything (T and D records come first, one value each)?
  for __dv_i in "${!__dv_roots[@]}"; do
    local -n __dv_a=_devenv_F$__dv_i
    _devenv_st[__dv_i]=${__dv_a[1]} __dv_eff[__dv_i]=0
    for ((__dv_j = 3; __dv_j < ${#__dv_a[@]}; __dv_j += 2)); do
      [[ ${__dv_a[__dv_j]} == [SP] ]] && { __dv_eff[__dv_i]=1; break; }
    done
  done
  # The layers applied now: as this shell last recorded them, or parsed from DEVENV_STATE when
  # that is not what this shell wrote (inherited from a parent shell, or changed).
  if [[ -n $_devenv_seen && ${DEVENV_STATE-} == "$_devenv_seen" ]]; then
    __dv_lroot=("${_devenv_lroot[@]}") __dv_lgen=("${_devenv_lgen[@]}") __dv_lrec=("${_devenv_lrec[@]}")
  else
    __dv_s=(${DEVENV_STATE-})
    [[ ${__dv_s[0]-} == devenv-state-[12] ]] || __dv_s=()
    for ((__dv_j = 1; __dv_j < ${#__dv_s[@]}; )); do
      case ${__dv_s[__dv_j]} in
      L)
        __dv_x=${__dv_s[__dv_j + 1]}
        [[ $__dv_x != *$'\x1d'* ]] || _devenv_dec "$__dv_x"
        __dv_lroot+=("$__dv_x") __dv_lrec+=("")
        __dv_x=${__dv_s[__dv_j + 2]}
        [[ $__dv_x != *$'\x1d'* ]] || _devenv_dec "$__dv_x"
        __dv_lgen+=("$__dv_x")
        ((__dv_j += 3))
        ;;
      S | P)
        __dv_x=5
        [[ ${__dv_s[__dv_j]} == P ]] && __dv_x=4
        __dv_lrec[${#__dv_lrec[@]} - 1]+=${__dv_s[*]:__dv_j:__dv_x}$'\x1f'
        ((__dv_j += __dv_x))
        ;;
      *) break ;;
      esac
    done
  fi
  # Applied layers stay while they match the target layers in order; the rest are undone
  # (innermost first) and the remaining targets applied (outermost first).
  for __dv_i in "${!__dv_roots[@]}"; do
    if ((__dv_eff[__dv_i])); then
      [[ $__dv_keep -lt ${#__dv_lroot[@]} && ${__dv_lroot[__dv_keep]} == "${__dv_roots[__dv_i]}" && ${__dv_lgen[__dv_keep]} == "${_devenv_file[__dv_i]}" ]] || break
      ((__dv_keep++))
    fi
    __dv_t=$((__dv_i + 1))
  done
  for ((__dv_j = ${#__dv_lroot[@]} - 1; __dv_j >= __dv_keep; __dv_j--)); do
    __dv_ua=(${__dv_lrec[__dv_j]})
    _devenv_undo
  done
  __dv_state=devenv-state-2$'\x1f'
  _devenv_lroot=("${__dv_lroot[@]:0:__dv_keep}") _devenv_lgen=("${__dv_lgen[@]:0:__dv_keep}") _devenv_lrec=("${__dv_lrec[@]:0:__dv_keep}")
  for ((__dv_j = 0; __dv_j < __dv_keep; __dv_j++)); do
    __dv_f=${__dv_lroot[__dv_j]}
    [[ $__dv_f != *[$'\x1d\x1f\n']* ]] || _devenv_enc "$__dv_f"
    __dv_state+=L$'\x1f'$__dv_f$'\x1f'
    __dv_f=${__dv_lgen[__dv_j]}
    [[ $__dv_f != *[$'\x1d\x1f\n']* ]] || _devenv_enc "$__dv_f"
    __dv_state+=$__dv_f$'\x1f'${__dv_lrec[__dv_j]}
  done
  for ((__dv_i = __dv_t; __dv_i < ${#__dv_roots[@]}; __dv_i++)); do
    ((__dv_eff[__dv_i])) || continue
    __dv_u=
    _devenv_apply "$__dv_i"
    __dv_f=${__dv_roots[__dv_i]}
    [[ $__dv_f != *[$'\x1d\x1f\n']* ]] || _devenv_enc "$__dv_f"
    __dv_state+=L$'\x1f'$__dv_f$'\x1f'
    __dv_f=${_devenv_file[__dv_i]}
    [[ $__dv_f != *[$'\x1d\x1f\n']* ]] || _devenv_enc "$__dv_f"
    __dv_state+=$__dv_f$'\x1f'$__dv_u
    _devenv_lroot+=("${__dv_roots[__dv_i]}") _devenv_lgen+=("${_devenv_file[__dv_i]}") _devenv_lrec+=("$__dv_u")
  done
  # Each message once per shell and activation (that is, per project and content).
  for __dv_i in "${!__dv_roots[@]}"; do
    local -n __dv_a=_devenv_F$__dv_i
    [[ -n ${__dv_a[2]} && $'\x1f'$_devenv_warned != *$'\x1f'"${_devenv_file[__dv_i]}"$'\x1f'* ]] || continue
    printf '%s\n' "${__dv_a[2]}" >&2
    _devenv_warned+=${_devenv_file[__dv_i]}$'\x1f'
  done
  [[ -z ${DEVENV_TOP_DIRS-} ]] || _devenv_top
  if [[ $__dv_state == devenv-state-2$'\x1f' ]]; then unset DEVENV_STATE; else export DEVENV_STATE=$__dv_state; fi
  # The fast test for the next prompts.
  for __dv_i in "${!__dv_roots[@]}"; do
    __dv_r=${__dv_roots[__dv_i]%/}
    __dv_x=$__dv_r/devenv.ts
    __dv_test+=" && -f ${__dv_x@Q} && ! ${__dv_x@Q} -nt ${_devenv_file[__dv_i]@Q}"
    __dv_x=$__dv_r/devenv.lock
    __dv_test+=" && ! ${__dv_x@Q} -nt ${_devenv_file[__dv_i]@Q}"
    [[ ${_devenv_st[__dv_i]} == ok ]] || __dv_test+=" && ! ${_devenv_stamp@Q} -nt ${_devenv_file[__dv_i]@Q}"
    local -n __dv_a=_devenv_F$__dv_i
    for ((__dv_j = 3; __dv_j < ${#__dv_a[@]}; __dv_j += 2)); do
      [[ ${__dv_a[__dv_j]} == [TD] ]] && continue
      [[ ${__dv_a[__dv_j]} == I ]] || break
      __dv_x=${__dv_a[__dv_j + 1]}
      __dv_test+=" && -e ${__dv_x@Q} && ! ${__dv_x@Q} -nt ${_devenv_file[__dv_i]@Q}"
    done
    unset "_devenv_F$__dv_i"
  done
  # `[ = ]`, not `[[ == ]]`, for the strings: the user's nocasematch would make ~/Proj and ~/proj
  # the same. The test is inlined: one function call less per prompt.
  eval "_devenv_hook() {
  _devenv_rc=\$?
  [ \"\$PWD\" = \"\$_devenv_pwd\" ] && [ \"\${DEVENV_STATE-}\" = \"\$_devenv_seen\" ] && [[ ${__dv_test# && } ]] && return \$_devenv_rc
  _devenv_switch
  return \$_devenv_rc
}"
  _devenv_pwd=$PWD _devenv_seen=${DEVENV_STATE-}
  [[ -n $__dv_ncm ]] && shopt -s nocasematch
  return 0
}

# cd, pushd and popd switch at once, so `cd proj && make` already sees the project's tools.
if [[ -z ${_devenv_wrapped-} ]]; then
  _devenv_wrapped=1
  for __dv_c in cd pushd popd; do
    if declare -F "$__dv_c" >/dev/null; then
      __dv_def=$(declare -f "$__dv_c")
      eval "_devenv_user_$__dv_c${__dv_def#"$__dv_c"}"
      eval "function $__dv_c { _devenv_user_$__dv_c \"\$@\" || return; _devenv_hook; }"
    else
      eval "function $__dv_c { builtin $__dv_c \"\$@\" || return; _devenv_hook; }"
    fi
  done
  unset __dv_c __dv_def
fi

# First in PROMPT_COMMAND (a string or, in bash 5.1+, an array), keeping the others and $?.
if [[ -v PROMPT_COMMAND && ${PROMPT_COMMAND@a} == *a* ]]; then
  [[ " ${PROMPT_COMMAND[*]} " == *" _devenv_hook "* ]] || PROMPT_COMMAND=(_devenv_hook "${PROMPT_COMMAND[@]}")
elif [[ ";${PROMPT_COMMAND-};" != *";_devenv_hook;"* ]]; then
  PROMPT_COMMAND="_devenv_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
