# The nixsec NixOS module (agenix backend). The generated data file
# (`nixsec gen` → <generatedDir>/data.nix) says which secrets this host has
# and where they are used; everything that acts on it is here, reviewed once.
# Pure logic lives in ./lib.nix (tested with plain nix-instantiate).
#
# Usage, with agenix's module imported too:
#   imports = [ agenix.nixosModules.default ./modules/nixsec.nix ];
#   nixsec = { enable = true; data = import ./nixsec/data.nix; };
{ config, lib, options, pkgs, ... }:
let
  nlib = import ./lib.nix;
  cfg = config.nixsec;
  secrets = nlib.forHost cfg.data cfg.host;
  pathOf = name: config.age.secrets.${name}.path;

  # Top-level names this module may define; keep in sync with OPTION_ROOTS in
  # src/manifest/wire.ts. The module system needs them fixed in advance.
  roots = [ "services" "programs" "networking" "security" "systemd" "users" "environment" "virtualisation" "hardware" "boot" "nix" "i18n" "fileSystems" "containers" ];

  # The part of `path` that names an option of this configuration (the rest
  # lies inside the option's value: an attrsOf submodule, freeform settings),
  # or null when no option is declared there. Read from the declarations
  # only, never from config values.
  optionPrefix = path:
    let go = node: i:
      if lib.isOption node then lib.take i path
      else if i == lib.length path || !(lib.isAttrs node) || !(node ? ${lib.elemAt path i}) then null
      else go node.${lib.elemAt path i} (i + 1);
    in go options 0;

  # Option consumers under one root. Which options are defined must not
  # depend on config.nixsec.host: it defaults to networking.hostName, and
  # evaluating that merges every definition under `networking` (and, through
  # option aliases and mkIf conditions, under other roots). So every host's
  # targets that this configuration declares are defined, each guarded by
  # `host == nixsec.host` at the option itself, so that another host's
  # target inside an attrsOf option (say networking.wireguard.interfaces.wg0)
  # creates no entry here. Another host's option that is not declared here is
  # skipped; one of this host's is an assertion below.
  targets = lib.genAttrs roots (root: map (t: t // { option = optionPrefix ([ root ] ++ t.path); })
    (nlib.fleetOptionTargets { data = cfg.data; inherit pathOf root; }));
  optionsUnder = root: lib.mkMerge (map
    (t: lib.setAttrByPath (lib.tail t.option)
      (lib.mkIf (t.host == cfg.host) (lib.setAttrByPath (lib.drop (lib.length t.option) ([ root ] ++ t.path)) t.value)))
    (lib.filter (t: t.option != null) targets.${root}));
  undeclaredTargets = lib.concatMap (root:
    map (t: "${root}.${lib.concatStringsSep "." t.path} (secret ${t.name})")
      (lib.filter (t: t.host == cfg.host && t.option == null) targets.${root}))
    roots;

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
      ++ map (target: {
        assertion = false;
        message = "nixsec.data: a secret of ${cfg.host} is wired to ${target}, which is not an option of this configuration; import the module that declares it, or change the wire entry in nixsec.yaml";
      }) undeclaredTargets
      ++ [{
        # agenix decrypts in an activation script that user creation waits
        # for; with systemd-sysusers or userborn users come first (agenix #345).
        assertion = !(nlib.hasUserPasswords secrets) || !((config.systemd.sysusers.enable or false) || (config.services.userborn.enable or false));
        message = "nixsec.data: a secret of ${cfg.host} is wired to users.users.<name>.hashedPasswordFile, which agenix cannot provide before systemd-sysusers/userborn create users; disable those or set the password another way";
      }];

    # NixOS applies hashedPasswordFile to an existing user only when users
    # are immutable; otherwise a rotated hash would silently not take effect.
    warnings = lib.optional (nlib.hasUserPasswords secrets && config.users.mutableUsers)
      "nixsec: ${cfg.host} sets users.users.<name>.hashedPasswordFile from a secret while users.mutableUsers is true; NixOS then uses it only when it creates the user, so rotating the secret will not change an existing password. Set users.mutableUsers = false to make rotation take effect.";

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
