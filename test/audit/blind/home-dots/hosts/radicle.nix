{ config, ... }:
{
  services.radicle = {
    enable = true;
    privateKeyFile = "/var/lib/radicle/keys/radicle";
    publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRadBlindBlindBlindBlindBlindBlindBlindBlindB";
    settings.node.seeds = [ "did:key:z6MkBlindBlindBlindBlindBlindBlindBlindBlindBlind@seed.example:8776" ];
  };
  nix.settings.trusted-public-keys = [ "cache.example.org-1:{{blind:b64:44}}" ];
}
