# devenv hook for zsh. Put `eval "$(devenv hook zsh)"` in ~/.zshrc.
#
# The same design as the bash hook (see bash.sh): at each prompt and on chpwd one generated test
# at the top of `_devenv_hook` decides with builtins alone whether anything changed; `_devenv_switch` walks up
# from $PWD, loads the cached activations from the user's state dir, runs devenv only for those
# missing or stale, undoes the layers that no longer apply and applies the new ones, recording
# in the exported DEVENV_STATE exactly what it changed (format in src/shell/state.ts; values too
# long to keep there go to files in the values dir, see bash.sh).

zmodload zsh/mapfile 2>/dev/null
typeset -g _devenv_node=@NODE@
typeset -g _devenv_cli=@CLI@
typeset -g _devenv_act=@ACT@
typeset -g _devenv_stamp=@STAMP@
typeset -g _devenv_vals=@VALS@
typeset -g _devenv_global=@GLOBAL@
typeset -g _devenv_pwd= _devenv_seen= _devenv_rc=0
typeset -g _devenv_warned=${_devenv_warned-}
typeset -ga _devenv_file _devenv_st _devenv_lroot _devenv_lgen _devenv_lrec
export __DEVENV_HOOK="zsh:$$"

# Replaced by _devenv_switch with one that starts with the generated "nothing changed" test.
_devenv_hook() {
  _devenv_rc=$?
  _devenv_switch
  return $_devenv_rc
}

# chpwd also runs for cd inside completion functions and widgets: leave those to the prompt.
_devenv_chpwd() {
  (( ZSH_SUBSHELL )) && return 0
  zle && return 0
  _devenv_hook
}

# Load the current activation of root $2 into array _devenv_F$1 and _devenv_file[$1].
_devenv_load() {
  local dir=$_devenv_act${2%/} gen= f
  _devenv_file[$1]=
  [[ -r $dir/.devenv.current ]] && IFS= read -r gen <$dir/.devenv.current || return 1
  f=$dir/.devenv.$gen.act
  [[ -r $f ]] || return 1
  set -A _devenv_F$1 "${(@0)mapfile[$f]}"
  [[ ${${(P)${:-_devenv_F$1}}[1]} == devenv-activation-1 ]] || return 1
  _devenv_file[$1]=$f
}

# Encode $1 as a DEVENV_STATE field into __dv_f.
_devenv_enc() {
  __dv_f=${1//$'\x1d'/$'\x1d0'}
  __dv_f=${__dv_f//$'\x1f'/$'\x1d1'}
  __dv_f=${__dv_f//$'\n'/$'\x1d3'}
}

# Decode field $1 into __dv_x (not inside "…": zsh does not expand $'…' in a replacement there).
# A reference is read from its file; fails if that is gone or cut short.
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
  local -a v
  [[ -f $1 ]] && v=("${(@0)mapfile[$1]}")
  (( ${#v} == 3 )) && [[ $v[2] == = && -z $v[3] ]] || return 1
  __dv_x=$v[1]
}

# The field for value $1 into __dv_f: encoded, or a reference to a file (see bash.sh).
_devenv_field() {
  if (( ${#1} <= 4096 )); then
    _devenv_enc "$1"
    (( ${#__dv_f} <= 4096 && ${#__dv_u} + ${#__dv_f} <= 16384 )) && return 0
  fi
  local p=$_devenv_vals/$2 k __dv_x
  if [[ -n $2 ]]; then
    _devenv_read $p && [[ $__dv_x == "$1" ]] && k=ok
  else
    for k in 1 2 3; do
      p=$_devenv_vals/p.$$.$RANDOM$RANDOM
      [[ -e $p ]] || break
    done
    k=
  fi
  if [[ -n $k ]] || { print -rn -- "$1"$'\0=\0' >$p } 2>/dev/null; then
    _devenv_enc "$p"
    __dv_f=$'\x1d2'$__dv_f
  else
    _devenv_enc "$1"
  fi
}

# Apply activation _devenv_F$1; its undo records are appended to __dv_u.
_devenv_apply() {
  local -a a
  a=("${(@P)${:-_devenv_F$1}}")
  local j=4 n=${#a} name val had cur add x __dv_f gen=${_devenv_file[$1]##*/.devenv.}
  gen=${gen%.act}
  while (( j <= n )); do
    case $a[j] in
    S | P)
      name=$a[j+1] val=$a[j+2] had=0 cur=
      if (( ${(P)+name} )); then
        cur=${(P)name} had=2
        [[ ${(tP)name} == *-export* ]] && had=1
      fi
      if [[ $a[j] == S ]]; then
        typeset -gx "$name=$val"
        __dv_u+=S$'\x1f'$name$'\x1f'$had$'\x1f'
        # Fields with nothing to encode that fit inline skip the call (~20 µs each in zsh).
        if (( ${#cur} <= 4096 && ${#__dv_u} + ${#cur} <= 16384 )) && [[ $cur != *[$'\x1d\x1f\n']* ]]; then
          __dv_u+=$cur$'\x1f'
        else
          _devenv_field "$cur"
          __dv_u+=$__dv_f$'\x1f'
        fi
        if (( ${#val} <= 4096 && ${#__dv_u} + ${#val} <= 16384 )) && [[ $val != *[$'\x1d\x1f\n']* ]]; then
          __dv_u+=$val$'\x1f'
        else
          _devenv_field "$val" "o.$gen.$name"
          __dv_u+=$__dv_f$'\x1f'
        fi
      else
        val+=: add=
        while [[ -n $val ]]; do
          x=${val%%:*} val=${val#*:}
          [[ ":$cur:$add" == *":$x:"* ]] || add+=$x:
        done
        if [[ -n $add ]]; then
          add=${add%:}
          typeset -gx "$name=$add${cur:+:$cur}"
          __dv_u+=P$'\x1f'$name$'\x1f'$had$'\x1f'
          if (( ${#add} <= 4096 && ${#__dv_u} + ${#add} <= 16384 )) && [[ $add != *[$'\x1d\x1f\n']* ]]; then
            __dv_u+=$add$'\x1f'
          else
            _devenv_field "$add"
            __dv_u+=$__dv_f$'\x1f'
          fi
        fi
      fi
      (( j += 3 ))
      ;;
    *) (( j += 2 )) ;;
    esac
  done
}

# Undo the records in __dv_ua (one layer), last change first (see bash.sh).
_devenv_undo() {
  local -a starts
  local j n=${#__dv_ua} name had x add p __dv_x
  for (( j = 1; j <= n; )); do
    starts+=($j)
    if [[ $__dv_ua[j] == S ]]; then (( j += 5 )); else (( j += 4 )); fi
  done
  for (( p = ${#starts}; p >= 1; p-- )); do
    j=$starts[p]
    name=$__dv_ua[j+1] had=$__dv_ua[j+2]
    (( ${(P)+name} )) || continue
    # A field without \x1d is its own value (encoded ones and file references hold one).
    if [[ $__dv_ua[j] == S ]]; then
      __dv_x=$__dv_ua[j+4]
      [[ $__dv_x != *$'\x1d'* ]] || _devenv_dec "$__dv_x" || continue
      [[ ${(P)name} == "$__dv_x" ]] || continue
      __dv_x=$__dv_ua[j+3]
      [[ $__dv_x != *$'\x1d'* ]] || _devenv_dec "$__dv_x" || continue
      x=$__dv_x
    else
      __dv_x=$__dv_ua[j+3]
      [[ $__dv_x != *$'\x1d'* ]] || _devenv_dec "$__dv_x" || continue
      x=:${(P)name}: add=$__dv_x:
      while [[ -n $add ]]; do
        x=${x/":${add%%:*}:"/:} add=${add#*:}
      done
      x=${x#:} x=${x%:}
      [[ $had == 0 && -z $x ]] && had=unset
    fi
    case $had in
    0 | unset) unset $name ;;
    1) typeset -gx "$name=$x" ;;
    *) typeset -g "$name=$x"; typeset -g +x $name ;;
    esac
  done
}

# devenv x / shell -p: its tools' dirs back to the front of PATH after each switch (see bash.sh).
_devenv_top() {
  local -a top
  top=(${(s.:.)DEVENV_TOP_DIRS})
  path=($top ${path:|top})
}

_devenv_switch() {
  emulate -L zsh
  setopt no_glob
  local d=${PWD%/} test= x r s state q
  local -a roots need lroot lgen lrec eff sarr __dv_ua a sroots itest
  local __dv_u __dv_f __dv_x i j keep=0 t=0
  _devenv_file=() _devenv_st=()
  # The user-wide project (devenv add -g) is the outermost layer everywhere, once.
  while :; do
    if [[ $d == "$_devenv_global" ]]; then
      :
    elif [[ -f $d/devenv.ts ]]; then
      roots=("${d:-/}" $roots)
    else
      test+=" && ! -f ${(q)d}/devenv.ts"
    fi
    [[ -z $d ]] && break
    d=${d%/*}
  done
  if [[ -f $_devenv_global/devenv.ts ]]; then
    roots=("$_devenv_global" $roots)
  else
    test+=" && ! -f ${(q)_devenv_global}/devenv.ts"
  fi
  for (( i = 1; i <= ${#roots}; i++ )); do
    r=${roots[i]%/}
    if _devenv_load $i $r && [[ ! $r/devenv.ts -nt $_devenv_file[i] && ! $r/devenv.lock -nt $_devenv_file[i] ]]; then
      a=("${(@P)${:-_devenv_F$i}}")
      if [[ $a[2] != ok && $_devenv_stamp -nt $_devenv_file[i] ]]; then need+=($i); continue; fi
      # T (tool), D (store dir) and I (input file) records come first.
      for (( j = 4; j <= ${#a}; j += 2 )); do
        case $a[j] in
        T) ;;
        D) [[ -d $a[j+1] ]] || { need+=($i); break; } ;;
        I) [[ -e $a[j+1] && ! $a[j+1] -nt $_devenv_file[i] ]] || { need+=($i); break; } ;;
        *) break ;;
        esac
      done
    else
      need+=($i)
    fi
  done
  if (( ${#need} )); then
    for i in $need; do sroots+=("$roots[i]"); done
    "$_devenv_node" "$_devenv_cli" hook-env --activations "$_devenv_act" -- "${sroots[@]}" </dev/null
    for i in $need; do
      _devenv_load $i "$roots[i]" && continue
      _devenv_file[i]=$_devenv_act/.devenv.failed
      : >$_devenv_file[i]
      set -A _devenv_F$i devenv-activation-1 error ''
    done
  fi
  # Which target layers change anything (T, D and I records come first), and the test of each
  # layer's I records (input files) for the next prompts.
  for (( i = 1; i <= ${#roots}; i++ )); do
    a=("${(@P)${:-_devenv_F$i}}")
    _devenv_st[i]=$a[2] eff[i]=0 itest[i]=
    for (( j = 4; j <= ${#a}; j += 2 )); do
      case $a[j] in
      [TD]) ;;
      I) itest[i]+=" && -e ${(q)a[j+1]} && ! ${(q)a[j+1]} -nt ${(q)_devenv_file[i]}" ;;
      [SP]) eff[i]=1; break ;;
      *) break ;;
      esac
    done
  done
  # The layers applied now: as this shell last recorded them, or parsed from DEVENV_STATE when
  # that is not what this shell wrote (inherited from a parent shell, or changed).
  if [[ -n $_devenv_seen && ${DEVENV_STATE-} == "$_devenv_seen" ]]; then
    lroot=("${_devenv_lroot[@]}") lgen=("${_devenv_lgen[@]}") lrec=("${_devenv_lrec[@]}")
  else
    if [[ -n ${DEVENV_STATE-} ]]; then
      sarr=("${(@ps:\x1f:)DEVENV_STATE}")
      [[ $sarr[1] == devenv-state-[12] ]] || sarr=()
    fi
    for (( j = 2; j < ${#sarr}; )); do
      case $sarr[j] in
      L)
        __dv_x=$sarr[j+1]
        [[ $__dv_x != *$'\x1d'* ]] || _devenv_dec "$__dv_x"
        lroot+=("$__dv_x") lrec+=("")
        __dv_x=$sarr[j+2]
        [[ $__dv_x != *$'\x1d'* ]] || _devenv_dec "$__dv_x"
        lgen+=("$__dv_x")
        (( j += 3 ))
        ;;
      S | P)
        x=5
        [[ $sarr[j] == P ]] && x=4
        lrec[-1]+=${(pj:\x1f:)sarr[j,j+x-1]}$'\x1f'
        (( j += x ))
        ;;
      *) break ;;
      esac
    done
  fi
  for (( i = 1; i <= ${#roots}; i++ )); do
    if (( eff[i] )); then
      (( keep < ${#lroot} )) && [[ $lroot[keep+1] == "$roots[i]" && $lgen[keep+1] == "$_devenv_file[i]" ]] || break
      (( keep++ ))
    fi
    t=$i
  done
  for (( j = ${#lroot}; j > keep; j-- )); do
    __dv_ua=("${(@ps:\x1f:)lrec[j]}")
    __dv_ua[-1]=()
    _devenv_undo
  done
  state=devenv-state-2$'\x1f'
  _devenv_lroot=("${(@)lroot[1,keep]}") _devenv_lgen=("${(@)lgen[1,keep]}") _devenv_lrec=("${(@)lrec[1,keep]}")
  for (( j = 1; j <= keep; j++ )); do
    __dv_f=$lroot[j]
    [[ $__dv_f != *[$'\x1d\x1f\n']* ]] || _devenv_enc "$__dv_f"
    state+=L$'\x1f'$__dv_f$'\x1f'
    __dv_f=$lgen[j]
    [[ $__dv_f != *[$'\x1d\x1f\n']* ]] || _devenv_enc "$__dv_f"
    state+=$__dv_f$'\x1f'$lrec[j]
  done
  for (( i = t + 1; i <= ${#roots}; i++ )); do
    (( eff[i] )) || continue
    __dv_u=
    _devenv_apply $i
    __dv_f=$roots[i]
    [[ $__dv_f != *[$'\x1d\x1f\n']* ]] || _devenv_enc "$__dv_f"
    state+=L$'\x1f'$__dv_f$'\x1f'
    __dv_f=$_devenv_file[i]
    [[ $__dv_f != *[$'\x1d\x1f\n']* ]] || _devenv_enc "$__dv_f"
    state+=$__dv_f$'\x1f'$__dv_u
    _devenv_lroot+=("$roots[i]") _devenv_lgen+=("$_devenv_file[i]") _devenv_lrec+=("$__dv_u")
  done
  for (( i = 1; i <= ${#roots}; i++ )); do
    x=${${(P)${:-_devenv_F$i}}[3]}
    [[ -n $x && $'\x1f'$_devenv_warned != *$'\x1f'$_devenv_file[i]$'\x1f'* ]] || continue
    print -ru2 -- $x
    _devenv_warned+=$_devenv_file[i]$'\x1f'
  done
  [[ -z ${DEVENV_TOP_DIRS-} ]] || _devenv_top
  if [[ $state == devenv-state-2$'\x1f' ]]; then unset DEVENV_STATE; else export DEVENV_STATE=$state; fi
  for (( i = 1; i <= ${#roots}; i++ )); do
    r=${roots[i]%/}
    q=${(q)_devenv_file[i]}
    # zsh's `a -nt b` is false when b is gone: check that the activation is still there (another
    # shell or devenv replaces it by a new generation and removes it).
    test+=" && -f $q && -f ${(q)r}/devenv.ts && ! ${(q)r}/devenv.ts -nt $q && ! ${(q)r}/devenv.lock -nt $q"
    [[ $_devenv_st[i] == ok ]] || test+=" && ! ${(q)_devenv_stamp} -nt $q"
    test+=$itest[i]
    unset _devenv_F$i
  done
  # The test inlined into the hook: a zsh function call costs ~16 µs here, the test ~40 µs.
  eval "_devenv_hook() {
  _devenv_rc=\$?
  [[ \$PWD == \"\$_devenv_pwd\" && \${DEVENV_STATE-} == \"\$_devenv_seen\"$test ]] && return \$_devenv_rc
  _devenv_switch
  return \$_devenv_rc
}"
  _devenv_pwd=$PWD _devenv_seen=${DEVENV_STATE-}
  return 0
}

autoload -Uz add-zsh-hook
add-zsh-hook chpwd _devenv_chpwd
# First among the precmd hooks, so prompt themes see the project's environment. In zsh's own
# options: the user's ksh_arrays or no_unset must not drop their other hooks or stop the rc.
() {
  emulate -L zsh
  typeset -ga precmd_functions
  precmd_functions=(_devenv_hook ${precmd_functions:#_devenv_hook})
}
