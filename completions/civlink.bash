# bash completion for civlink. Source it or install it in bash-completion's directory.

# ---- BEGIN report (branch report; the lead merges the other subcommands' blocks) ----
_civlink_report() {
    local cur=$1 prev=$2
    case $prev in
        --format) COMPREPLY=($(compgen -W "table csv json" -- "$cur")); return ;;
        --by)
            local done=${cur%,*} last=${cur##*,}
            [[ $cur == *,* ]] && done="$done," || done=""
            COMPREPLY=($(compgen -P "$done" -W "system procedure commune month" -- "$last"))
            compopt -o nospace 2>/dev/null; return ;;
        --chart) COMPREPLY=($(compgen -f -X '!*.svg' -- "$cur") $(compgen -d -- "$cur")); return ;;
        --ledger|--holidays) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --from|--to|--province|--commune|--suppress-below|--actor) return ;;
    esac
    COMPREPLY=($(compgen -W "--from --to --province --commune --by --overdue --format --bom --chart --suppress-below --ledger --holidays --actor --help --version" -- "$cur"))
}
# ---- END report ----

_civlink() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W "init register-birth register-death status report --help --version" -- "$cur"))
        return
    fi
    case ${COMP_WORDS[1]} in
        report) _civlink_report "$cur" "$prev" ;;
        *) COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
}
complete -F _civlink civlink
