# What every example host shares: agenix decrypts with the SSH host key, and
# nixsec wires the secrets from the generated data.
{ ... }:
{
  imports = [ ../../modules/nixsec.nix ];
  services.openssh.enable = true; # agenix's default identityPaths are the host keys
  nixsec = {
    enable = true;
    data = import ../../nixsec/data.nix;
  };
}
