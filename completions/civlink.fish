# fish completion for civlink. Install as ~/.config/fish/completions/civlink.fish.

function __civlink_dossier_ids
    civlink status --list --format json 2>/dev/null | sed -n 's/^{"id":"\([^"]*\)".*/\1/p'
end

set -l commands init register-birth register-death status report backup doctor
complete -c civlink -f
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a init -d 'create a new ledger'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a register-birth -d 'register a birth'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a register-death -d 'register a death'
complete -c civlink -n "not __fish_seen_subcommand_from $commands" -a status -d 'show or list dossiers'
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

complete -c civlink -l ledger -r -F -d 'ledger file'
complete -c civlink -l actor -r -d 'who is acting'
complete -c civlink -l holidays -r -F -d 'holiday file'
complete -c civlink -l help -d 'show help'
complete -c civlink -l version -d 'print the version'

complete -c civlink -n "__fish_seen_subcommand_from init status backup doctor" -l format -r -a 'table json' -d 'output format'
complete -c civlink -n "__fish_seen_subcommand_from register-birth register-death" -l batch -d 'JSON Lines in and out'
complete -c civlink -n "__fish_seen_subcommand_from register-birth register-death backup" -F
complete -c civlink -n "__fish_seen_subcommand_from status" -l list -d 'list dossiers'
complete -c civlink -n "__fish_seen_subcommand_from status" -l state -r -a 'waiting ready sent accepted completed rejected stuck done' -d 'procedure state'
complete -c civlink -n "__fish_seen_subcommand_from status" -l group -r -a 'birth death' -d 'procedure group'
complete -c civlink -n "__fish_seen_subcommand_from status" -l commune -r -d 'commune code'
complete -c civlink -n "__fish_seen_subcommand_from status" -l overdue -d 'only overdue dossiers'
complete -c civlink -n "__fish_seen_subcommand_from status" -a '(__civlink_dossier_ids)' -d 'dossier'
