// The scripts `nixsec completion SHELL` prints. Each hands the words of the
// command line to `nixsec __complete SHELL -- WORDS…` and offers what it
// prints, one candidate per line (zsh and fish: `value<TAB>description`); a
// last line ":files" (FILES_DIRECTIVE in completion.ts; keep in sync) means
// "file names fit here". Each works sourced (`source <(nixsec completion
// bash)`) and installed where the shell looks for completions (the flake
// package installs all three).

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

// No bash-completion helpers: plain `complete -F` works in any bash ≥ 4.
const BASH = `# bash completion for nixsec (nixsec completion bash)
_nixsec() {
  local IFS=$'\\n' line files=0
  local -a out=()
  COMPREPLY=()
  for line in $(nixsec __complete bash -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null); do
    if [[ $line == :files ]]; then files=1; else out+=("$line"); fi
  done
  if (( files )); then
    compopt -o default 2>/dev/null
  else
    compopt +o default 2>/dev/null
  fi
  COMPREPLY=("\${out[@]}")
}
complete -o default -F _nixsec nixsec
`;

const ZSH = `#compdef nixsec
# zsh completion for nixsec (nixsec completion zsh)
_nixsec() {
  local -a lines values descs
  local line files=0
  lines=("\${(@f)$(nixsec __complete zsh -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  for line in "\${lines[@]}"; do
    [[ -z $line ]] && continue
    if [[ $line == :files ]]; then files=1; continue; fi
    values+=("\${line%%$'\\t'*}")
    if [[ $line == *$'\\t'* ]]; then descs+=("\${line%%$'\\t'*} -- \${line#*$'\\t'}"); else descs+=("\${line}"); fi
  done
  (( \${#values} )) && compadd -Q -l -d descs -a values
  (( files )) && _files
  return 0
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _nixsec "$@"
else
  compdef _nixsec nixsec
fi
`;

const FISH = `# fish completion for nixsec (nixsec completion fish)
function __nixsec_complete
    set -l words (commandline -opc)[2..-1] (commandline -ct)
    for line in (nixsec __complete fish -- $words 2>/dev/null)
        if test "$line" = :files
            __fish_complete_path (commandline -ct)
        else
            echo $line
        end
    end
end
complete -c nixsec -f -a '(__nixsec_complete)'
`;

export function completionScript(shell: Shell): string {
  return shell === "bash" ? BASH : shell === "zsh" ? ZSH : FISH;
}
