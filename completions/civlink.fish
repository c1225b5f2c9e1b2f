# fish completion for civlink. Install as ~/.config/fish/completions/civlink.fish.

function __civlink_dossier_ids
    command -q civlink; or return
    civlink status --list --format json 2>/dev/null | sed -n 's/^{"id":"\([^"]*\)".*/\1/p'
end

set -l commands init register-birth register-death status keygen ca sign verify revoke copy audit transfer agency report backup doctor
complete -c civlink -f
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a init -d 'create a new ledger'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a register-birth -d 'register a birth'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a register-death -d 'register a death'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a status -d 'show or list dossiers'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a keygen -d 'Generate a signing key and CSR'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a ca -d 'Province CA: init, issue, import'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a sign -d 'Sign a certificate copy'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a verify -d 'Verify a signed copy offline'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a revoke -d 'Revoke a signed copy or export the list'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a copy -d 'Print the current signed copy of a dossier'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a audit -d 'Check the ledger hash chain'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a transfer -d 'send ready procedures and ingest receipts'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a agency -d 'configure, check and simulate receiving systems'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a report -d 'province statistics and overdue oversight'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a backup -d 'copy the ledger while in use'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a doctor -d 'check and say what to fix first'

# ---- BEGIN report ----
complete -c civlink -f -n '__fish_seen_subcommand_from report' -l from -r -d 'First day of the period (YYYY-MM-DD)'
complete -c civlink -f -n '__fish_seen_subcommand_from report' -l to -r -d 'Last day of the period, included'
complete -c civlink -f -n '__fish_seen_subcommand_from report' -l province -r -d 'Only this 2-digit province'
complete -c civlink -f -n '__fish_seen_subcommand_from report' -l commune -r -d 'Only this 5-digit commune'
complete -c civlink -f -n '__fish_seen_subcommand_from report' -l by -r -a 'system procedure commune month system,procedure system,month system,procedure,month commune,system' -d 'Group by'
complete -c civlink -f -n '__fish_seen_subcommand_from report' -l overdue -d 'List overdue procedures by commune and agency'
complete -c civlink -f -n '__fish_seen_subcommand_from report' -l format -r -a 'table csv json' -d 'Output format'
complete -c civlink -f -n '__fish_seen_subcommand_from report' -l bom -d 'Start CSV with a UTF-8 BOM'
complete -c civlink -n '__fish_seen_subcommand_from report' -l chart -r -F -d 'Write an SVG chart'
complete -c civlink -f -n '__fish_seen_subcommand_from report' -l suppress-below -r -d 'Suppress counts below N'
complete -c civlink -n '__fish_seen_subcommand_from report' -l ledger -r -F -d 'Ledger file'
complete -c civlink -n '__fish_seen_subcommand_from report' -l holidays -r -F -d 'Holiday file'
# ---- END report ----

# ---- transfer and agency
set -l __civlink_agencies population residence social-insurance social-affairs
complete -c civlink -f -n '__fish_seen_subcommand_from agency; and not __fish_seen_subcommand_from add list check remove simulate' -a 'add list check remove simulate'
complete -c civlink -f -n '__fish_seen_subcommand_from add check remove' -a "$__civlink_agencies"
complete -c civlink -n '__fish_seen_subcommand_from agency' -l spool -r -F -d 'spool directory'
complete -c civlink -n '__fish_seen_subcommand_from agency' -l url -r -d 'HTTP endpoint'
complete -c civlink -n '__fish_seen_subcommand_from agency' -l token-file -r -F -d 'bearer token file'
complete -c civlink -n '__fish_seen_subcommand_from agency' -l client-cert -r -F -d 'client certificate'
complete -c civlink -n '__fish_seen_subcommand_from agency' -l client-key -r -F -d 'client key'
complete -c civlink -n '__fish_seen_subcommand_from agency' -l timeout -r -d 'seconds'
complete -c civlink -n '__fish_seen_subcommand_from simulate' -l delay -r -d 'answer messages at least this old'
complete -c civlink -n '__fish_seen_subcommand_from simulate' -l failure-rate -r -d '0-1'
complete -c civlink -n '__fish_seen_subcommand_from simulate' -l rejection-rate -r -d '0-1'
complete -c civlink -n '__fish_seen_subcommand_from simulate' -l accept-first -d 'accept, then complete'
complete -c civlink -n '__fish_seen_subcommand_from simulate' -l watch -r -d 'repeat every SECONDS'
complete -c civlink -n '__fish_seen_subcommand_from transfer' -l dry-run -d 'list what would be sent'
complete -c civlink -n '__fish_seen_subcommand_from transfer' -l retry -r -d 'dossier id'
complete -c civlink -n '__fish_seen_subcommand_from transfer' -l procedure -r -a 'personal-id residence-registration health-insurance-card residence-deletion funeral-allowance funeral-support'
complete -c civlink -n '__fish_seen_subcommand_from transfer' -l max-attempts -r
complete -c civlink -n '__fish_seen_subcommand_from transfer' -l concurrency -r
complete -c civlink -n '__fish_seen_subcommand_from transfer' -l backoff -r -d 'seconds'
complete -c civlink -n '__fish_seen_subcommand_from transfer' -l quarantine -d 'list refused receipts'
complete -c civlink -n '__fish_seen_subcommand_from status' -l stuck -d 'procedures that need a person'
complete -c civlink -n '__fish_seen_subcommand_from agency transfer status' -l format -r -a 'table json'

# signing
complete -c civlink -n '__fish_seen_subcommand_from keygen' -l out -r -F
complete -c civlink -n '__fish_seen_subcommand_from keygen ca' -l type -x -a 'ed25519 ecdsa-p256 rsa'
complete -c civlink -n '__fish_seen_subcommand_from keygen' -l bits -x
complete -c civlink -n '__fish_seen_subcommand_from keygen ca' -l csr -r -F
complete -c civlink -n '__fish_seen_subcommand_from keygen ca' -l officer -x
complete -c civlink -n '__fish_seen_subcommand_from keygen ca' -l commune -x
complete -c civlink -n '__fish_seen_subcommand_from keygen ca' -l role -x
complete -c civlink -n '__fish_seen_subcommand_from ca' -a 'init issue import'
complete -c civlink -n '__fish_seen_subcommand_from ca' -l dir -r -a '(__fish_complete_directories)'
complete -c civlink -n '__fish_seen_subcommand_from ca' -l name -x
complete -c civlink -n '__fish_seen_subcommand_from ca' -l province -x
complete -c civlink -n '__fish_seen_subcommand_from ca' -l days -x
complete -c civlink -n '__fish_seen_subcommand_from ca' -l valid-from -x
complete -c civlink -n '__fish_seen_subcommand_from ca sign copy' -l out -r -F
complete -c civlink -n '__fish_seen_subcommand_from sign' -l key -r -F
complete -c civlink -n '__fish_seen_subcommand_from sign' -l cert -r -F
complete -c civlink -n '__fish_seen_subcommand_from sign' -l pending
complete -c civlink -n '__fish_seen_subcommand_from verify' -l trust -r -F
complete -c civlink -n '__fish_seen_subcommand_from verify' -l revoked -r -F
complete -c civlink -n '__fish_seen_subcommand_from sign verify audit' -l format -x -a 'table json'
complete -c civlink -n '__fish_seen_subcommand_from revoke' -l reason -x
complete -c civlink -n '__fish_seen_subcommand_from revoke' -l export
complete -c civlink -n '__fish_seen_subcommand_from audit' -a verify
complete -c civlink -n '__fish_seen_subcommand_from sign revoke copy' -a '(__civlink_dossier_ids)' -d 'dossier'

complete -c civlink -l ledger -r -F -d 'ledger file'
complete -c civlink -l actor -r -d 'who is acting'
complete -c civlink -l holidays -r -F -d 'holiday file'
complete -c civlink -l help -d 'show help'
complete -c civlink -l version -d 'print the version'

complete -c civlink -n "__fish_seen_subcommand_from init status backup doctor" -l format -r -a 'table json' -d 'output format'
complete -c civlink -n "__fish_seen_subcommand_from doctor" -l key -r -F -d 'officer key file to check'
complete -c civlink -n "__fish_seen_subcommand_from register-birth register-death" -l batch -d 'JSON Lines in and out'
complete -c civlink -n "__fish_seen_subcommand_from register-birth register-death backup" -F
complete -c civlink -n "__fish_seen_subcommand_from status" -l list -d 'list dossiers'
complete -c civlink -n "__fish_seen_subcommand_from status" -l state -r -a 'waiting ready sent accepted completed rejected stuck done' -d 'procedure state'
complete -c civlink -n "__fish_seen_subcommand_from status" -l group -r -a 'birth death' -d 'procedure group'
complete -c civlink -n "__fish_seen_subcommand_from status" -l commune -r -d 'commune code'
complete -c civlink -n "__fish_seen_subcommand_from status" -l overdue -d 'only overdue dossiers'
complete -c civlink -n "__fish_seen_subcommand_from status" -a '(__civlink_dossier_ids)' -d 'dossier'
