# alice's standalone home-manager profile (used on non-NixOS machines)
{ config, pkgs, lib, ... }:

{
  imports = [ ./shell.nix ];

  programs.ssh = {
    enable = true;
    matchBlocks."storage2" = { hostname = "storage2.lan"; user = "alice"; identityFile = "~/.ssh/id_ed25519"; };
    matchBlocks."old-box" = { hostname = "10.0.0.50"; identityFile = "${./ssh/old_box_rsa}"; }; # expect: identity-path-literal
  };

  programs.gpg.settings = { default-key = "3AA5C34371567BD2"; keyserver = "hkps://keys.openpgp.org"; };

  programs.aerc = {
    enable = true;
    extraAccounts.work = {
      source = "imaps://alice%40acme.example:Aerc-Imap-Pw-13@imap.acme.example:993"; # expect: url-credentials
      outgoing = "smtps://alice%40acme.example@smtp.acme.example:465";
      outgoing-cred-cmd = "pass show work/smtp";
    };
  };

  home.file.".npmrc".text = ''
    registry=https://npm.acme.example/
    //npm.acme.example/:_authToken=${"$"}{NPM_TOKEN}
  '';

  home.file.".pypirc".text = ''
    [pypi]
    username = __token__
    password = pypi-AgEIcHlwaS5vcmcCJGFiYzEyMy1mYWtlLXRva2Vu # expect: file-text-secret
  '';

  home.file.".config/gh/hosts.yml".source = ./gh-hosts.yml;
  home.file.".netrc".text = "machine api.example.org login alice password Netrc-Api-Pw-14"; # expect: file-text-secret

  home.stateVersion = "24.11";
}
