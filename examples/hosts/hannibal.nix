# hannibal: runs withings-weights. nixsec sets its two *File options to the
# decrypted paths (nixsec.yaml: secrets.withings/*.wire).
{ ... }:
{
  imports = [ ./common.nix ../modules/withings-weights.nix ];
  networking.hostName = "hannibal";
  services.withings-weights.enable = true;
}
