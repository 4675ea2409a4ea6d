# agenix wiring: age.secrets with runtime paths (good); identity and reads (bad)
{ config, lib, pkgs, ... }:

let
  secretsDir = ../../secrets;
in
{
  age.identityPaths = [
    "/etc/ssh/ssh_host_ed25519_key"
    "${./keys/backup-identity.txt}" # expect: identity-path-literal
  ];

  age.secrets = {
    nextcloud-admin = { file = "${secretsDir}/nextcloud-admin.age"; owner = "nextcloud"; };
    wg-storage2.file = ../../secrets/wg-storage2.age;
    restic-password = { file = ../../secrets/restic-password.age; mode = "0400"; };
  };

  services.nextcloud.config.adminpassFile = config.age.secrets.nextcloud-admin.path;

  # bad: readFile of an agenix path, at evaluation time
  services.nextcloud.extraOptions.mail_smtppassword = builtins.readFile config.age.secrets.smtp.path; # expect: read-secret-at-eval

  # fine: readFile of public material
  users.users.alice.openssh.authorizedKeys.keys = [ (builtins.readFile ../../keys/alice.pub) ];
  environment.etc."motd".text = builtins.readFile ./motd.txt;
  networking.hosts = lib.importJSON ./hosts.json;
}
