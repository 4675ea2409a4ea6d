# The nixsec NixOS module (agenix backend). The generated data file
# (`nixsec gen` → <generatedDir>/data.nix) says which secrets this host has
# and where they are used; everything that acts on it is here, reviewed once.
# Pure logic lives in ./lib.nix (tested with plain nix-instantiate).
#
# Usage, with agenix's module imported too:
#   imports = [ agenix.nixosModules.default ./modules/nixsec.nix ];
#   nixsec = { enable = true; data = import ./nixsec/data.nix; };
{ config, lib, pkgs, ... }:
let
  nlib = import ./lib.nix;
  cfg = config.nixsec;
  secrets = nlib.forHost cfg.data cfg.host;
  pathOf = name: config.age.secrets.${name}.path;

  # Top-level names this module may define; keep in sync with OPTION_ROOTS in
  # src/manifest/wire.ts. The module system needs them fixed in advance.
  roots = [ "services" "programs" "networking" "security" "systemd" "users" "environment" "virtualisation" "hardware" "boot" "nix" "i18n" "fileSystems" "containers" ];
  optionsUnder = root: lib.mkMerge (nlib.optionDefs { inherit secrets pathOf root; });

  smbpasswdScriptFor = user: credential:
    "+" + pkgs.writeShellScript "nixsec-smbpasswd-${user}" (nlib.smbpasswdScript {
      smbpasswd = "${config.services.samba.package}/bin/smbpasswd";
      inherit user credential;
    });

  units = nlib.unitDefs { inherit secrets pathOf smbpasswdScriptFor; };
  unitConfig = _: u: {
    serviceConfig = lib.mkMerge [
      (lib.mkIf (u.loadCredential != [ ]) { LoadCredential = u.loadCredential; })
      (lib.mkIf (u.environmentFile != [ ]) { EnvironmentFile = u.environmentFile; })
      (lib.mkIf (u.environment != [ ]) { Environment = u.environment; })
      (lib.mkIf (u.execStartPre != [ ]) { ExecStartPre = u.execStartPre; })
    ];
    restartTriggers = u.restartTriggers;
  };
in
{
  options.nixsec = {
    enable = lib.mkEnableOption "secrets managed by nixsec (decrypted by agenix)";

    data = lib.mkOption {
      type = lib.types.attrs;
      description = ''
        The data `nixsec gen` writes: which secrets each host has, their
        owner, mode and consumers. Generated; do not edit by hand.
      '';
      example = lib.literalExpression "import ./nixsec/data.nix";
    };

    host = lib.mkOption {
      type = lib.types.str;
      default = config.networking.hostName;
      defaultText = lib.literalExpression "config.networking.hostName";
      description = "This machine's name in nixsec.yaml `hosts`.";
      example = "hannibal";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions =
      map (message: { assertion = false; inherit message; }) (nlib.dataProblems { data = cfg.data; host = cfg.host; inherit roots; })
      ++ [{
        # agenix decrypts in an activation script that user creation waits
        # for; with systemd-sysusers or userborn users come first (agenix #345).
        assertion = !(nlib.hasUserPasswords secrets) || !((config.systemd.sysusers.enable or false) || (config.services.userborn.enable or false));
        message = "nixsec.data: a secret of ${cfg.host} is wired to users.users.<name>.hashedPasswordFile, which agenix cannot provide before systemd-sysusers/userborn create users; disable those or set the password another way";
      }];

    age.secrets = nlib.ageSecrets secrets;

    users = lib.mkMerge [
      { users = nlib.userPasswords { inherit secrets pathOf; }; }
      (optionsUnder "users")
    ];

    systemd = lib.mkMerge [
      { services = lib.mapAttrs unitConfig units; }
      (optionsUnder "systemd")
    ];

    services = optionsUnder "services";
    programs = optionsUnder "programs";
    networking = optionsUnder "networking";
    security = optionsUnder "security";
    environment = optionsUnder "environment";
    virtualisation = optionsUnder "virtualisation";
    hardware = optionsUnder "hardware";
    boot = optionsUnder "boot";
    nix = optionsUnder "nix";
    i18n = optionsUnder "i18n";
    fileSystems = optionsUnder "fileSystems";
    containers = optionsUnder "containers";
  };
}
