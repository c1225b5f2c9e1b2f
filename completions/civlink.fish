# fish completion for civlink.
complete -c civlink -f -n __fish_use_subcommand -a 'init register-birth register-death status'

# ---- BEGIN report (branch report; the lead merges the other subcommands' blocks) ----
complete -c civlink -f -n __fish_use_subcommand -a report -d 'Province statistics and overdue oversight'
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
