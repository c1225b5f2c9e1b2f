# Drives civlink's bash completion like readline would: complete-bash.sh COMPLETIONS_FILE "WORDS"
# (a trailing space starts a new, empty word) and prints the candidates one a line.
source "$1"
read -ra COMP_WORDS <<< "$2"
[ "${2: -1}" = " " ] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE=$2
COMP_POINT=${#2}
_civlink
printf '%s\n' "${COMPREPLY[@]}"
