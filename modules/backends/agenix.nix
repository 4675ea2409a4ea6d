# The agenix backend of the nixsec module: agenix's module decrypts each
# secret (age.secrets), and nixsec renders templates itself, with a oneshot
# ordered after agenix's install. The interface every backend gives is
# described in ../nixsec.nix ("Backends").
{ config, pkgs, nlib }:
{
  name = "agenix";
  # The top-level option agenix's module declares.
  root = "age";
  importHint = "import agenix's module: imports = [ agenix.nixosModules.default ]";

  secretPath = name: config.age.secrets.${name}.path;
  templatePath = name: "${nlib.templatesDir}/${name}";
  templateUnit = nlib.renderUnit;

  # Under `age`.
  definitions = hostData: { secrets = nlib.ageSecrets hostData.secrets; };

  # systemd.services of the units this backend owns.
  units = hostData: {
    ${nlib.renderUnit} = {
      description = "nixsec: render templates with secret values into ${nlib.templatesDir}";
      wantedBy = [ "multi-user.target" ];
      # With systemd-sysusers or userborn agenix decrypts in this unit;
      # otherwise in an activation script, which runs before any unit.
      after = [ "agenix-install-secrets.service" ];
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = pkgs.writeShellScript "nixsec-render-templates" (nlib.renderScript {
          inherit (hostData) templates;
          secretPath = name: config.age.secrets.${name}.path;
          textFile = _name: _i: text: pkgs.writeText "nixsec-template-text" text;
          bin = "${pkgs.coreutils}/bin";
        });
      };
    };
  };
}
