# builder: remote builder and CI runner
{ config, pkgs, lib, ... }:

let
  cachixToken = "{{fake:jwt}}"; # expect: jwt
in
{
  networking.hostName = "builder";

  nix.settings = {
    trusted-users = [ "root" "@wheel" "builder" ];
    max-jobs = 8;
    substituters = [ "https://cache.acme.example" "https://alice.cache.acme.example" ];
    trusted-public-keys = [ "alice.cache.acme.example-1:9tBs0Ry6Sjxd/7Ac1Mf1KQ2hWxQqtV8mBeYhgK3sZ0M=" ];
  };
  nix.extraOptions = ''
    !include ${config.age.secrets.nix-access-tokens.path}
  '';

  services.github-runners.nixsec = {
    enable = true;
    url = "https://github.com/alice/nixsec";
    tokenFile = config.age.secrets.github-runner.path;
    extraLabels = [ "nix" ];
  };

  services.gitlab-runner = {
    enable = true;
    services.shell = {
      authenticationTokenConfigFile = config.age.secrets.gitlab-runner.path;
      executor = "shell";
    };
    services.legacy = {
      registrationConfigFile = "/run/agenix/gitlab-legacy";
      registrationFlags = [ "--token" "{{fake:gitlab}}" ]; # expect: gitlab-token
      executor = "docker";
      dockerImage = "alpine";
    };
  };

  systemd.services.cachix-push = {
    wantedBy = [ "multi-user.target" ];
    environment.CACHIX_AUTH_TOKEN = cachixToken;
    script = "${pkgs.cachix}/bin/cachix watch-store alice";
  };

  # the remote builder key given to the nix daemon as a string: fine
  nix.buildMachines = [{
    hostName = "storage2";
    system = "x86_64-linux";
    sshUser = "builder";
    sshKey = "/etc/nix/builder_ed25519";
    maxJobs = 4;
  }];
}
