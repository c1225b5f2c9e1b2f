# bash completion for civlink
# ---- BEGIN transfer branch (issue 4): agency, transfer, status --stuck. The lead merges the other
# ---- subcommands into this file; this block only covers the transfer subcommands.
_civlink_transfer_block() {
    local cur=$1 prev=$2 sub=$3 action=$4
    case $sub in
    agency)
        if [ -z "$action" ]; then
            COMPREPLY=($(compgen -W "add list check remove simulate" -- "$cur")); return 0
        fi
        case $prev in
            --spool|--token-file|--client-cert|--client-key) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
            --format) COMPREPLY=($(compgen -W "table json" -- "$cur")); return 0 ;;
            --url|--timeout|--delay|--failure-rate|--rejection-rate|--watch) return 0 ;;
        esac
        case $action in
            add) COMPREPLY=($(compgen -W "population residence social-insurance social-affairs --spool --url --token-file --client-cert --client-key --timeout --ledger" -- "$cur")) ;;
            check|remove) COMPREPLY=($(compgen -W "population residence social-insurance social-affairs --ledger" -- "$cur")) ;;
            list) COMPREPLY=($(compgen -W "--format --ledger" -- "$cur")) ;;
            simulate) COMPREPLY=($(compgen -W "--spool --delay --failure-rate --rejection-rate --accept-first --watch" -- "$cur")) ;;
        esac
        return 0 ;;
    transfer)
        case $prev in
            --format) COMPREPLY=($(compgen -W "table json" -- "$cur")); return 0 ;;
            --procedure) COMPREPLY=($(compgen -W "personal-id residence-registration health-insurance-card residence-deletion funeral-allowance funeral-support" -- "$cur")); return 0 ;;
            --retry|--max-attempts|--concurrency|--backoff) return 0 ;;
            --ledger) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
        esac
        COMPREPLY=($(compgen -W "--dry-run --retry --procedure --max-attempts --concurrency --backoff --quarantine --format --ledger --actor --help" -- "$cur"))
        return 0 ;;
    status)
        [[ $cur == --s* ]] && { COMPREPLY=($(compgen -W "--stuck --state" -- "$cur")); return 0; } ;;
    esac
    return 1
}
# ---- END transfer branch

_civlink() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "agency transfer status --help --version" -- "$cur")); return
    fi
    local sub=${COMP_WORDS[1]} action=""
    [ "$COMP_CWORD" -gt 2 ] && action=${COMP_WORDS[2]}
    _civlink_transfer_block "$cur" "$prev" "$sub" "$action"
}
complete -F _civlink civlink
