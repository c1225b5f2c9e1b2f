# Drives an interactive zsh in a pseudo-terminal: types WORDS, presses Tab, and writes the command
# line as completion left it to OUTFILE. Usage: zsh -f complete-zsh.zsh COMPLETIONS_DIR OUTFILE WORDS
zmodload zsh/zpty
dir=$1 out=$2 keys=$3
zpty z zsh -f -i
zpty -w z "fpath=($dir \$fpath); autoload -Uz compinit; compinit -u -D; PS1='> '"
zpty -w z "print-buffer() { print -r -- \"\$BUFFER\" > $out; BUFFER=''; zle accept-line }; zle -N print-buffer; bindkey '^X' print-buffer"
sleep 0.5
zpty -w -n z "$keys"$'\t'
sleep 1
zpty -w -n z $'\x18'
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$out" ] && break; sleep 0.3; done
zpty -d z
