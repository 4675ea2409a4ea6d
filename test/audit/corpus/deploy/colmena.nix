# colmena hive: keys uploaded out of band. keyCommand (good) vs text (bad).
{
  meta = {
    nixpkgs = import <nixpkgs> { };
    description = "alice's fleet";
  };

  defaults = { pkgs, ... }: {
    deployment.targetUser = "root";
    deployment.buildOnTarget = false;
  };

  hannibal = { name, nodes, ... }: {
    deployment.targetHost = "hannibal.example.org";
    deployment.keys."grafana-admin" = {
      keyCommand = [ "nixsec" "show" "grafana/admin" ];
      user = "grafana";
      permissions = "0400";
    };
    deployment.keys."wg-hannibal" = {
      keyFile = ../keys/wg-hannibal.key;
      destDir = "/run/keys";
    };
  };

  storage2 = { name, nodes, ... }: {
    deployment.targetHost = "storage2.lan";
    deployment.keys = {
      "restic-password".text = "Colmena-Restic-Pw-4"; # expect: deployment-keys-text
      "smb-alice" = {
        text = ''Samba-Alice-Inline-Pw''; # expect: deployment-keys-text
        user = "root";
      };
    };
  };
}
