{ config, pkgs, ... }:
{
  home.sessionVariables = {
    EDITOR = "nvim";
    OPENAI_API_KEY = "sk-proj-{{blind:alnum:48}}";
    HISTFILE = "$HOME/.local/state/zsh/history";
  };
  programs.zsh.initExtra = ''
    export GITHUB_TOKEN="$(gh auth token 2>/dev/null)"
    alias keys='ssh-add -L >> ~/.ssh/authorized_keys'
  '';
  programs.rbw.settings.pinentry = pkgs.pinentry-gnome3;
  home.file.".config/rbw-aliases.json".text = builtins.toJSON {
    "x-api-key" = "x-api-key";
    "github-token" = "github-token";
  };
}
