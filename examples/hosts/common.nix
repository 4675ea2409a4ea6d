# What every example host shares: the backend (agenix, or sops-nix on
# storage2) decrypts with the SSH host key, and nixsec wires the secrets from
# the generated data.
{ ... }:
{
  imports = [ ../../modules/nixsec.nix ];
  services.openssh.enable = true; # agenix's identityPaths and sops-nix's sshKeyPaths default to the host keys
  nixsec = {
    enable = true;
    data = import ../../nixsec/data.nix;
  };
}
