# work profile: cloud CLIs
{ config, lib, pkgs, ... }:
{
  programs.awscli = {
    enable = true;
    settings."profile work" = { region = "eu-central-1"; output = "json"; };
    credentials."work" = {
      aws_access_key_id = "{{fake:awsKeyId}}"; # expect: aws-access-key
      aws_secret_access_key = "{{fake:awsSecret}}"; # expect: secret-option-literal
    };
    credentials."sso".credential_process = "${pkgs.aws-vault}/bin/aws-vault exec sso --json";
  };

  programs.git.extraConfig = {
    url."https://oauth2:{{fake:gitlab}}@gitlab.com/".insteadOf = "https://gitlab.com/"; # expect: gitlab-token
    url."git@github.com:".insteadOf = "https://github.com/";
  };

  home.file.".docker/config.json".text = builtins.toJSON {
    auths."registry.acme.example".auth = "YWxpY2U6RG9ja2VyLUdoY3ItQXV0aC00MA=="; # expect: secret-option-literal
    credsStore = "secretservice";
  };

  programs.kubeconfig = { };
  home.sessionVariables.KUBECONFIG = "${config.home.homeDirectory}/.kube/config";
}
