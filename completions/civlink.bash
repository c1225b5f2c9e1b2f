# bash completion for civlink. Install as /usr/share/bash-completion/completions/civlink.

# ---- transfer and agency
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

# ---- signing: keygen ca sign verify revoke copy audit
_civlink_signing() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} sub=${COMP_WORDS[1]}
    case $prev in
        --type) COMPREPLY=($(compgen -W "ed25519 ecdsa-p256 rsa" -- "$cur")); return 0 ;;
        --format) COMPREPLY=($(compgen -W "table json" -- "$cur")); return 0 ;;
        --out|--key|--cert|--csr|--trust|--revoked|--dir|--ledger) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
    esac
    case $sub in
        keygen) COMPREPLY=($(compgen -W "--out --type --bits --csr --officer --commune --role --help" -- "$cur")) ;;
        ca)
            if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "init issue import" -- "$cur"))
            else COMPREPLY=($(compgen -W "--dir --name --province --type --days --csr --officer --commune --role --valid-from --out --help" -- "$cur") $(compgen -f -- "$cur")); fi ;;
        sign) COMPREPLY=($(compgen -W "--key --cert --out --pending --format --help" -- "$cur")) ;;
        verify) COMPREPLY=($(compgen -W "--trust --revoked --format --help" -- "$cur") $(compgen -f -- "$cur")) ;;
        revoke) COMPREPLY=($(compgen -W "--reason --export --help" -- "$cur")) ;;
        copy) COMPREPLY=($(compgen -W "--out --help" -- "$cur")) ;;
        audit) COMPREPLY=($(compgen -W "verify --format --help" -- "$cur")) ;;
        *) return 1 ;;
    esac
    return 0
}
_civlink_dossier_ids() {
    command -v civlink >/dev/null 2>&1 || return
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
    local commands="init register-birth register-death status keygen ca sign verify revoke copy audit transfer agency report backup doctor"
    local global="--ledger --actor --holidays --help --version"

    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    case "$cmd" in
        keygen|ca|sign|verify|revoke|copy|audit)
            if { [ "$cmd" = sign ] || [ "$cmd" = copy ]; } && [[ "$cur" != -* ]] && [ "$prev" != --key ] && [ "$prev" != --cert ] && [ "$prev" != --out ]; then
                COMPREPLY=($(compgen -W "$(_civlink_dossier_ids)" -- "$cur"))
                return
            fi
            _civlink_signing
            return ;;
    esac
    if [ "$cmd" = report ]; then
        _civlink_report "$cur" "$prev"
        return
    fi
    if [ "$cmd" = agency ] || [ "$cmd" = transfer ]; then
        local action=""
        [ "$COMP_CWORD" -gt 2 ] && action=${COMP_WORDS[2]}
        _civlink_transfer_block "$cur" "$prev" "$cmd" "$action"
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
        init|backup) opts="--format" ;;
        doctor) opts="--format --key" ;;
        register-birth|register-death) opts="--batch" ;;
        status) opts="--format --list --state --group --commune --overdue --stuck" ;;
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
