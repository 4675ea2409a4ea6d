{ config, pkgs, ... }:
{
  programs.zsh = {
    enable = true;
    shellAliases = { ll = "ls -l"; gs = "git status"; };
    initExtra = ''
      export GOPATH="$HOME/go"
      export HOMEBREW_GITHUB_API_TOKEN="$(cat ~/.config/brew-token 2>/dev/null)"
      export ANTHROPIC_API_KEY=sk-ant-api03-Zsh-Init-Key-Value-15 # expect: file-text-secret
      source ${pkgs.zsh-autosuggestions}/share/zsh-autosuggestions/zsh-autosuggestions.zsh
    '';
  };
  programs.direnv.enable = true;
  home.sessionVariables.PASSWORD_STORE_DIR = "${config.xdg.dataHome}/password-store";
}
