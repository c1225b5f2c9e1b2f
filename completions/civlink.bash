# bash completion for civlink. Install as /usr/share/bash-completion/completions/civlink.

_civlink_dossier_ids() {
    civlink status --list --format json 2>/dev/null | sed -n 's/^{"id":"\([^"]*\)".*/\1/p'
}

# ---- BEGIN report ----
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
    local cur prev cmd
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cmd=${COMP_WORDS[1]}
    local commands="init register-birth register-death status report backup doctor"
    local global="--ledger --actor --holidays --help --version"

    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    if [ "$cmd" = report ]; then
        _civlink_report "$cur" "$prev"
        return
    fi
    case "$prev" in
        --ledger|--holidays) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "table json" -- "$cur")); return ;;
        --group) COMPREPLY=($(compgen -W "birth death" -- "$cur")); return ;;
        --state) COMPREPLY=($(compgen -W "waiting ready sent accepted completed rejected stuck done" -- "$cur")); return ;;
        --actor|--commune) return ;;
    esac
    local opts=""
    case "$cmd" in
        init|backup|doctor) opts="--format" ;;
        register-birth|register-death) opts="--batch" ;;
        status) opts="--format --list --state --group --commune --overdue" ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts $global" -- "$cur"))
        return
    fi
    case "$cmd" in
        register-birth|register-death|backup) COMPREPLY=($(compgen -f -- "$cur")) ;;
        status) COMPREPLY=($(compgen -W "$(_civlink_dossier_ids)" -- "$cur")) ;;
    esac
}
complete -F _civlink civlink
