# devenv hook for fish. Put `devenv hook fish | source` in ~/.config/fish/config.fish.
#
# The same design as the bash hook (see bash.sh): at each prompt and on a change of $PWD one
# generated test, `_devenv_fresh`, decides with builtins alone whether anything changed;
# `_devenv_switch` walks up from $PWD, loads the cached activations from the user's state dir,
# runs devenv only for those missing or stale, undoes the layers that no longer apply and
# applies the new ones, recording in the exported DEVENV_STATE exactly what it changed (format in
# src/shell/state.ts; values too long to keep there go to files in the values dir, see bash.sh).
# No field of DEVENV_STATE holds a newline, so `string split \x1f` in a command substitution
# splits it exactly; other strings that may hold newlines go through _devenv_str or _devenv_split.

set -g _devenv_node @NODE@
set -g _devenv_cli @CLI@
set -g _devenv_act @ACT@
set -g _devenv_stamp @STAMP@
set -g _devenv_vals @VALS@
set -g _devenv_global @GLOBAL@
set -g _devenv_pwd ''
set -g _devenv_seen ''
set -q _devenv_warned; or set -g _devenv_warned
set -gx __DEVENV_HOOK "fish:$fish_pid"
function _devenv_fresh
    return 1
end

# `seq [FIRST [STEP]] LAST` without starting a process: switching between cached activations forks nothing.
function _devenv_seq
    set -l first 1
    set -l step 1
    set -l last $argv[-1]
    set -q argv[2]; and set first $argv[1]
    set -q argv[3]; and set step $argv[2]
    while test $step -gt 0 -a $first -le $last -o $step -lt 0 -a $first -ge $last
        echo $first
        set first (math $first + $step)
    end
end

function _devenv_hook --on-event fish_prompt --on-variable PWD
    set -l rc $status
    if test "$PWD" = "$_devenv_pwd" -a "$DEVENV_STATE" = "$_devenv_seen"; and _devenv_fresh
        return $rc
    end
    _devenv_switch
    return $rc
end

# Load the current activation of root $argv[2] into _devenv_F$argv[1] and _devenv_file[$argv[1]].
function _devenv_load
    set -l i $argv[1]
    _devenv_str replace -r '/$' '' -- $argv[2]
    set -l dir $_devenv_act$_devenv_o
    set -g _devenv_file[$i] ''
    test -r $dir/.devenv.current; or return 1
    read -l gen <$dir/.devenv.current
    set -l f $dir/.devenv.$gen.act
    test -r $f; or return 1
    set -g _devenv_F$i (string split0 <$f)
    set -l n _devenv_F$i
    test "$$n[1][1]" = devenv-activation-1; or return 1
    set -g _devenv_file[$i] $f
end

# `string ARGS` with its one result, exactly (newlines included), in $_devenv_o: a command
# substitution ending in `string split` keeps its pieces as they are.
function _devenv_str
    set -l t (string $argv | string split0)
    set -g _devenv_o (string split -r -m1 \n -- $t)[1]
end

# $argv[1] split at ':' into $_devenv_l, exactly (a command substitution also splits at newlines,
# so the pieces pass through one URL-escaped, where neither ':' nor a newline is left).
function _devenv_split
    set -g _devenv_l
    for e in (string escape --style=url -- $argv[1] | string split %3A)
        _devenv_str unescape --style=url -- $e
        set -ga _devenv_l $_devenv_o
    end
end

# Encode $argv[1] as a DEVENV_STATE field into $_devenv_o.
function _devenv_enc
    _devenv_str replace -a \x1d \x1d0 -- $argv[1]
    _devenv_str replace -a \x1f \x1d1 -- $_devenv_o
    _devenv_str replace -a \n \x1d3 -- $_devenv_o
end

# Decode field $argv[1] into $_devenv_o. A reference is read from its file; fails if that is gone
# or cut short.
function _devenv_dec
    if string match -q -- \x1d2'*' $argv[1]
        _devenv_dec (string sub -s 3 -- $argv[1])
        _devenv_read $_devenv_o
        return
    end
    _devenv_str replace -a \x1d3 \n -- $argv[1]
    _devenv_str replace -a \x1d1 \x1f -- $_devenv_o
    _devenv_str replace -a \x1d0 \x1d -- $_devenv_o
end

# Read value file $argv[1] (the value, \0=\0) into $_devenv_o; fails if it is gone or cut short.
function _devenv_read
    test -f "$argv[1]"; or return 1
    set -l v (string split0 <$argv[1])
    set -q v[2]; and not set -q v[3]; and test "x$v[2]" = x=; or return 1
    set -g _devenv_o $v[1]
end

# The field for value $argv[1] into $_devenv_o: encoded, or a reference to a file (see bash.sh).
function _devenv_field
    set -l v $argv[1]
    if test (string length -- "$v") -le 4096
        _devenv_enc $v
        set -l n (string length -- "$_devenv_o")
        test $n -le 4096 -a (math (string length -- "$_devenv_u") + $n) -le 16384; and return 0
    end
    set -l p $_devenv_vals/$argv[2]
    set -l ok
    if test -n "$argv[2]"
        _devenv_read $p; and test "$_devenv_o" = "$v"; and set ok 1
    else
        for k in 1 2 3
            set p $_devenv_vals/p.$fish_pid.(random 0 2147483647)
            test -e $p; or break
        end
    end
    # Checked first: fish reports a failed redirection even under 2>/dev/null.
    if test -z "$ok" -a -d $_devenv_vals -a -w $_devenv_vals
        string join0 -- $v = >$p; and set ok 1
    end
    if test -n "$ok"
        _devenv_enc $p
        set -g _devenv_o \x1d2$_devenv_o
    else
        _devenv_enc $v
    end
end

# Apply activation _devenv_F$argv[1]; its undo records (fields ending with \x1f) go to $_devenv_u.
function _devenv_apply
    set -l n _devenv_F$argv[1]
    set -l a $$n
    set -l j 4
    set -g _devenv_u ''
    _devenv_str replace -r '(?s)^.*/\.devenv\.(.*)\.act$' '$1' -- $_devenv_file[$argv[1]]
    set -l gen $_devenv_o
    while test $j -le (count $a)
        switch $a[$j]
            case S P
                set -l name $a[(math $j + 1)]
                set -l val $a[(math $j + 2)]
                set -l had 0
                set -l cur ''
                if set -q $name
                    set cur "$$name"
                    set had 2
                    set -qx $name; and set had 1
                end
                if test $a[$j] = S
                    set -gx $name $val
                    set -g _devenv_u "$_devenv_u"S\x1f$name\x1f$had\x1f
                    _devenv_field "$cur"
                    set -g _devenv_u "$_devenv_u$_devenv_o"\x1f
                    _devenv_field "$val" o.$gen.$name
                    set -g _devenv_u "$_devenv_u$_devenv_o"\x1f
                else
                    _devenv_split $cur
                    set -l have $_devenv_l
                    _devenv_split $val
                    set -l add
                    for x in $_devenv_l
                        contains -- $x $have $add; or set -a add $x
                    end
                    if set -q add[1]
                        _devenv_str join : -- $add
                        set -l joined $_devenv_o
                        if test -n "$cur"
                            set -gx $name "$joined:$cur"
                        else
                            set -gx $name "$joined"
                        end
                        set -g _devenv_u "$_devenv_u"P\x1f$name\x1f$had\x1f
                        _devenv_field "$joined"
                        set -g _devenv_u "$_devenv_u$_devenv_o"\x1f
                    end
                end
                set j (math $j + 3)
            case '*'
                set j (math $j + 2)
        end
    end
end

# Undo one layer's records (fields in $argv), last change first (see bash.sh).
function _devenv_undo
    set -l u $argv
    set -l starts
    set -l j 1
    while test $j -le (count $u)
        set -a starts $j
        if test $u[$j] = S
            set j (math $j + 5)
        else
            set j (math $j + 4)
        end
    end
    for p in $starts[-1..1]
        set -l name $u[(math $p + 1)]
        set -l had $u[(math $p + 2)]
        set -q $name; or continue
        set -l x
        if test $u[$p] = S
            _devenv_dec $u[(math $p + 4)]; and test "$$name" = "$_devenv_o"; or continue
            _devenv_dec $u[(math $p + 3)]; or continue
            set x $_devenv_o
        else
            _devenv_dec $u[(math $p + 3)]; or continue
            _devenv_split $_devenv_o
            set x ":$$name:"
            for d in $_devenv_l
                _devenv_str replace -- ":$d:" ":" "$x"
                set x $_devenv_o
            end
            _devenv_str replace -r -- '^:' '' "$x"
            _devenv_str replace -r -- ':$' '' "$_devenv_o"
            set x $_devenv_o
            test $had = 0 -a -z "$x"; and set had unset
        end
        switch $had
            case 0 unset
                set -eg $name
            case 1
                set -gx $name "$x"
            case '*'
                set -gu $name "$x"
        end
    end
end

# devenv x / shell -p: its tools' dirs back to the front of PATH after each switch (see bash.sh).
function _devenv_top
    set -l top (string split : -- $DEVENV_TOP_DIRS | string match -v -- '')
    set -l rest
    for d in $PATH
        contains -- $d $top; or set -a rest $d
    end
    set -gx PATH $top $rest
end

function _devenv_switch
    # Paths through _devenv_str, not (string …): a command substitution splits a path at newlines.
    _devenv_str replace -r '/$' '' -- $PWD
    set -l d $_devenv_o
    set -l roots
    set -l tests
    # The user-wide project (devenv add -g) is the outermost layer everywhere, once.
    while true
        if test "$d" = "$_devenv_global"
        else if test -f "$d/devenv.ts"
            if test -n "$d"
                set roots $d $roots
            else
                set roots / $roots
            end
        else
            set -a tests "! -f "(string escape -- "$d/devenv.ts")
        end
        test -z "$d"; and break
        _devenv_str replace -r '/[^/]*$' '' -- $d
        set d $_devenv_o
    end
    if test -f "$_devenv_global/devenv.ts"
        set roots $_devenv_global $roots
    else
        set -a tests "! -f "(string escape -- "$_devenv_global/devenv.ts")
    end
    set -g _devenv_file
    set -g _devenv_st
    set -l need
    for i in (_devenv_seq (count $roots))
        _devenv_str replace -r '/$' '' -- $roots[$i]
        set -l r $_devenv_o
        if _devenv_load $i $roots[$i]; and not test "$r/devenv.ts" -nt $_devenv_file[$i] -o "$r/devenv.lock" -nt $_devenv_file[$i]
            set -l n _devenv_F$i
            set -l a $$n
            if test "$a[2]" != ok; and test $_devenv_stamp -nt $_devenv_file[$i]
                set -a need $i
                continue
            end
            set -l j 4
            # T (tool), D (store dir) and I (input file) records come first.
            while test $j -le (count $a); and contains -- "$a[$j]" T D I
                set -l k (math $j + 1)
                if test "$a[$j]" = D; and not test -d "$a[$k]"
                    set -a need $i
                    break
                end
                if test "$a[$j]" = I; and begin
                        not test -e "$a[$k]"; or test "$a[$k]" -nt $_devenv_file[$i]
                    end
                    set -a need $i
                    break
                end
                set j (math $j + 2)
            end
        else
            set -a need $i
        end
    end
    if set -q need[1]
        $_devenv_node $_devenv_cli hook-env --activations $_devenv_act -- $roots[$need] </dev/null
        for i in $need
            _devenv_load $i $roots[$i]; and continue
            set -g _devenv_file[$i] $_devenv_act/.devenv.failed
            true >$_devenv_file[$i]
            set -g _devenv_F$i devenv-activation-1 error ''
        end
    end
    set -l eff
    for i in (_devenv_seq (count $roots))
        set -l n _devenv_F$i
        set -l a $$n
        set -g _devenv_st[$i] $a[2]
        set eff[$i] 0
        set -l j 4
        while test $j -le (count $a)
            if contains -- $a[$j] S P
                set eff[$i] 1
                break
            end
            set j (math $j + 2)
        end
    end
    # The layers applied now, from DEVENV_STATE (ours, or inherited from a parent shell).
    set -l lroot
    set -l lgen
    set -l lrec
    set -l s
    if set -q DEVENV_STATE
        set s (string split \x1f -- "$DEVENV_STATE")
        contains -- "$s[1]" devenv-state-1 devenv-state-2; or set s
    end
    set -l j 2
    while test $j -lt (count $s)
        switch $s[$j]
            case L
                _devenv_dec $s[(math $j + 1)]
                set -a lroot $_devenv_o
                _devenv_dec $s[(math $j + 2)]
                set -a lgen $_devenv_o
                set -a lrec ''
                set j (math $j + 3)
            case S P
                set -l w 5
                test $s[$j] = P; and set w 4
                _devenv_str join \x1f -- $s[$j..(math $j + $w - 1)]
                set lrec[-1] "$lrec[-1]$_devenv_o"\x1f
                set j (math $j + $w)
            case '*'
                break
        end
    end
    set -l keep 0
    set -l t 0
    for i in (_devenv_seq (count $roots))
        if test $eff[$i] = 1
            # Not "$l[(math …)]": fish does not expand a command substitution inside quotes.
            set -l k (math $keep + 1)
            test $keep -lt (count $lroot); and test "$lroot[$k]" = "$roots[$i]" -a "$lgen[$k]" = "$_devenv_file[$i]"; or break
            set keep (math $keep + 1)
        end
        set t $i
    end
    for j in (_devenv_seq (count $lroot) -1 (math $keep + 1))
        _devenv_undo (string split \x1f -- $lrec[$j])[1..-2]
    end
    set -l state devenv-state-2\x1f
    for j in (_devenv_seq 1 $keep)
        _devenv_enc $lroot[$j]
        set state "$state"L\x1f"$_devenv_o"\x1f
        _devenv_enc $lgen[$j]
        set state "$state$_devenv_o"\x1f"$lrec[$j]"
    end
    for i in (_devenv_seq (math $t + 1) (count $roots))
        test $eff[$i] = 1; or continue
        _devenv_apply $i
        _devenv_enc $roots[$i]
        set state "$state"L\x1f"$_devenv_o"\x1f
        _devenv_enc $_devenv_file[$i]
        set state "$state$_devenv_o"\x1f"$_devenv_u"
    end
    for i in (_devenv_seq (count $roots))
        set -l n _devenv_F$i
        set -l msg $$n[1][3]
        test -n "$msg"; or continue
        contains -- $_devenv_file[$i] $_devenv_warned; and continue
        printf '%s\n' $msg >&2
        set -ga _devenv_warned $_devenv_file[$i]
    end
    test -n "$DEVENV_TOP_DIRS"; and _devenv_top
    if test "$state" = devenv-state-2\x1f
        set -e DEVENV_STATE
    else
        set -gx DEVENV_STATE "$state"
    end
    for i in (_devenv_seq (count $roots))
        _devenv_str replace -r '/$' '' -- $roots[$i]
        set -l r $_devenv_o
        set -l q (string escape -- $_devenv_file[$i])
        set -a tests "-f "(string escape -- "$r/devenv.ts") "! "(string escape -- "$r/devenv.ts")" -nt $q" "! "(string escape -- "$r/devenv.lock")" -nt $q"
        test "$_devenv_st[$i]" = ok; or set -a tests "! "(string escape -- $_devenv_stamp)" -nt $q"
        set -l n _devenv_F$i
        set -l a $$n
        set -l j 4
        while test $j -le (count $a); and contains -- "$a[$j]" T D I
            if test "$a[$j]" = I
                set -l f (string escape -- $a[(math $j + 1)])
                set -a tests "-e $f" "! $f -nt $q"
            end
            set j (math $j + 2)
        end
        set -e _devenv_F$i
    end
    if set -q tests[1]
        eval "function _devenv_fresh; test "(string join ' -a ' -- $tests)"; end"
    else
        function _devenv_fresh
            true
        end
    end
    set -g _devenv_pwd $PWD
    set -g _devenv_seen "$DEVENV_STATE"
end
