# >>> civlink signing (issue 3): keygen ca sign verify revoke audit — merge into the main completion
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
        audit) COMPREPLY=($(compgen -W "verify --format --help" -- "$cur")) ;;
        *) return 1 ;;
    esac
    return 0
}
_civlink_signing_entry() {
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "keygen ca sign verify revoke audit" -- "${COMP_WORDS[1]}"))
    else
        _civlink_signing
    fi
}
complete -F _civlink_signing_entry civlink
# <<< civlink signing
