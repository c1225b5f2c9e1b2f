# >>> civlink signing (issue 3): keygen ca sign verify revoke audit — merge into the main completion
complete -c civlink -n __fish_use_subcommand -a keygen -d 'Generate a signing key and CSR'
complete -c civlink -n __fish_use_subcommand -a ca -d 'Province CA: init, issue, import'
complete -c civlink -n __fish_use_subcommand -a sign -d 'Sign a certificate copy'
complete -c civlink -n __fish_use_subcommand -a verify -d 'Verify a signed copy offline'
complete -c civlink -n __fish_use_subcommand -a revoke -d 'Revoke a signed copy or export the list'
complete -c civlink -n __fish_use_subcommand -a audit -d 'Check the ledger hash chain'
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
complete -c civlink -n '__fish_seen_subcommand_from ca sign' -l out -r -F
complete -c civlink -n '__fish_seen_subcommand_from sign' -l key -r -F
complete -c civlink -n '__fish_seen_subcommand_from sign' -l cert -r -F
complete -c civlink -n '__fish_seen_subcommand_from sign' -l pending
complete -c civlink -n '__fish_seen_subcommand_from verify' -l trust -r -F
complete -c civlink -n '__fish_seen_subcommand_from verify' -l revoked -r -F
complete -c civlink -n '__fish_seen_subcommand_from sign verify audit' -l format -x -a 'table json'
complete -c civlink -n '__fish_seen_subcommand_from revoke' -l reason -x
complete -c civlink -n '__fish_seen_subcommand_from revoke' -l export
complete -c civlink -n '__fish_seen_subcommand_from audit' -a verify
# <<< civlink signing
