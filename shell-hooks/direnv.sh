# devenv for direnv: `use devenv` (or `use devenv <dir>`) in an .envrc. Load it with
# `eval "$(devenv direnv)"` in ~/.config/direnv/direnvrc, or at the top of the .envrc.
#
# direnv runs the .envrc in bash, in the .envrc's directory, and exports what it changed. Here
# `devenv direnv --export` (run from the project dir) prepares the same chain of projects the
# hook applies there (lock, install, trust: a devenv.ts not allowed runs nothing and exports
# nothing) and prints, in one write once it is done, `watch_file` for every file the environment
# came from, then the assignments, then an end marker. Nothing is evaluated without the marker,
# so a failed or killed devenv leaves no half environment; a failure still watches what it read,
# so fixing it (or `devenv allow`) makes direnv load again. node and devenv by absolute path: the
# function must not depend on the PATH it changes.

use_devenv() {
  local __dv_dir=${1:-.} __dv_out= __dv_rc=0
  if (($# > 1)); then
    log_error "devenv: use devenv takes at most one argument (the project's directory), got $#"
    return 2
  fi
  if [[ ! -d $__dv_dir ]]; then
    log_error "devenv: use devenv $__dv_dir: no such directory (relative to $PWD)"
    return 1
  fi
  __dv_out=$(cd -- "$__dv_dir" && @NODE@ @CLI@ direnv --export </dev/null) || __dv_rc=$?
  if [[ $__dv_out == *$'\n: devenv-direnv-end' ]]; then
    eval "$__dv_out"
  else
    watch_file "$__dv_dir/devenv.ts" "$__dv_dir/devenv.lock" @STAMP@
    ((__dv_rc)) || __dv_rc=1
  fi
  return $__dv_rc
}
