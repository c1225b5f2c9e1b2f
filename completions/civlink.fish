# fish completion for civlink
# ---- BEGIN transfer branch (issue 4): agency, transfer, status --stuck only; the lead merges
# ---- the other subcommands.
set -l __civlink_agencies population residence social-insurance social-affairs
complete -c civlink -f -n __fish_use_subcommand -a agency -d 'configure, check, simulate receiving systems'
complete -c civlink -f -n __fish_use_subcommand -a transfer -d 'send ready procedures and ingest receipts'
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
# ---- END transfer branch
