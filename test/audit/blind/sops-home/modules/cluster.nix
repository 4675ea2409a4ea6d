{ config, pkgs, ... }:
{
  sops.templates."flux-env".content = ''
    GITHUB_USER=example
    GITHUB_TOKEN=${config.sops.placeholder.flux_gh_token}
  '';
  systemd.services.flux-bootstrap.script = ''
    source ${config.sops.templates."flux-env".path}
    ${pkgs.fluxcd}/bin/flux bootstrap github --owner=example --repository=cluster --token-auth --personal
  '';
  sops.age.keyFile = "/persist/sops/age/keys.txt";
}
