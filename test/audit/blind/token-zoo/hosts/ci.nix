{ config, pkgs, ... }:
{
  services.gitlab-runner.services.docker = {
    authenticationTokenConfigFile = "/run/keys/gitlab-runner.env";
    dockerImage = "alpine";
  };
  environment.etc."ci/registry-token".text = "{{fake:gitlab}}";
  nix.settings.access-tokens = [ "github.com={{fake:github}}" ];
  systemd.services.mirror.environment = {
    AWS_ACCESS_KEY_ID = "{{fake:awsKeyId}}";
    AWS_SECRET_ACCESS_KEY = "{{fake:awsSecret}}";
    AWS_DEFAULT_REGION = "eu-central-1";
  };
}
