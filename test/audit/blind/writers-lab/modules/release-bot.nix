{ pkgs, ... }:
let
  ghToken = "{{fake:github}}";
  bot = pkgs.writeShellApplication {
    name = "release-bot";
    runtimeInputs = [ pkgs.curl pkgs.jq ];
    text = ''
      curl -fsS -H "Authorization: Bearer ${ghToken}" https://api.github.com/repos/example/app/releases/latest | jq -r .tag_name
    '';
  };
in { environment.systemPackages = [ bot ]; }
