# The nixsec NixOS module. The generated data file (`nixsec gen` →
# <generatedDir>/data.nix) says which secrets and templates each host has and
# where they are used; everything that acts on it is here, reviewed once.
# Pure logic lives in ./lib.nix (tested with plain nix-instantiate); the
# decrypting backend in ./backends/.
#
# Usage, with the backend's module imported too (agenix's, or sops-nix's on
# a sops-nix host: the data says which, per host):
#   imports = [ agenix.nixosModules.default nixsec.nixosModules.default ];
#   imports = [ sops-nix.nixosModules.sops nixsec.nixosModules.default ];
#   nixsec = { enable = true; data = import ./nixsec/data.nix; };
#
# Any option path. The module system needs the top-level names a module
# defines before it knows `config`; so this module defines every top-level
# name that is declared (attrNames options, known from declarations alone)
# and puts each wire under the right one. A wire into a named instance
# (services.nginx.virtualHosts."a.example.com", containers.c,
# users.users.u, systemd.services.u) is defined only where another module
# defines that instance, so a wire never creates a unit, user or host of its
# own; a missing one is an assertion (or, for a wire that only applies where
# the consumer exists, a warning).
#
# Backends (./backends/<name>.nix; the host's is hostData.backend, from the
# data) give:
#   root            the top-level option their NixOS module declares ("age", "sops")
#   importHint      what to import when `options.<root>` is missing
#   secretPath n    where secret n is at run time
#   templatePath n  where template n is rendered
#   templateUnit    the unit that renders templates, or null when the
#                   backend's own module renders them (sops-nix)
#   definitions hostData plan   definitions under `root` (plan: lib.hostPlan's)
#   units hostData         systemd.services of the units the backend owns
# The logic they share (age.secrets, sops.secrets, sops.templates from the
# same parts) is in ./lib.nix. Consumers get restartTriggers from value ids
# on every backend.
{ config, lib, options, pkgs, ... }:
let
  nlib = import ./lib.nix;
  cfg = config.nixsec;
  self = toString ./nixsec.nix;
  data = cfg.data;
  hostData = nlib.forHost data cfg.host;

  backends = {
    agenix = import ./backends/agenix.nix { inherit config pkgs nlib; };
    sops-nix = import ./backends/sops-nix.nix { inherit config lib pkgs nlib; };
  };
  # The backend this host decrypts with, by the data (hosts.<host>.backend).
  backendName = hostData.backend;
  backend = backends.${backendName} or null;
  # Backends whose NixOS module this configuration imports.
  imported = lib.filter (n: options ? ${backends.${n}.root}) (lib.attrNames backends);

  pathOf = w: if w ? secret then backend.secretPath w.secret else backend.templatePath w.template;

  # Whether a definition's value is there after its mkIf conditions.
  present = v:
    if !(builtins.isAttrs v) || !(v ? _type) then true
    else if v._type == "if" then v.condition && present v.content
    else if v._type == "merge" then lib.any present v.contents
    else if v._type == "override" || v._type == "order" then present v.content
    else true;

  # Whether a module other than this one defines `<prefix>.<name>`, read from
  # the option's definitions (never from its value, which includes ours).
  definedElsewhere = prefix: name:
    let opt = lib.attrByPath prefix null options; in
    lib.isOption opt && lib.any (d: d.file != self && builtins.isAttrs d.value && d.value ? ${name} && present d.value.${name}) opt.definitionsWithLocations;

  hasUnit = definedElsewhere [ "systemd" "services" ];
  hasUser = definedElsewhere [ "users" "users" ];

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

  # For nlib.optionProblems and the definitions below.
  optionInfo = path:
    let prefix = optionPrefix path; in
    if prefix == null then { declared = false; } else
    let
      opt = lib.attrByPath prefix null options;
      rest = lib.drop (lib.length prefix) path;
      named = rest != [ ] && (opt.type.name or "") == "attrsOf" && (opt.type.nestedTypes.elemType.name or "") == "submodule";
    in {
      declared = true;
      inherit prefix rest named;
      instance = if named then prefix ++ [ (lib.head rest) ] else path;
      exists = !named || definedElsewhere prefix (lib.head rest);
    };

  # Option consumers of every host, each guarded by `host == nixsec.host`
  # (what is defined under a top-level name must not depend on which host
  # this is: nixsec.host defaults to networking.hostName).
  targets = map (t: t // { info = optionInfo t.path; })
    (nlib.fleetOptionTargets { inherit data; pathFor = _host: pathOf; });
  here = t: t.host == cfg.host;
  optionDef = t:
    let i = t.info; in
    if i.named then lib.setAttrByPath (lib.tail i.prefix) { ${lib.head i.rest} = lib.mkIf (here t && i.exists) (lib.setAttrByPath (lib.tail i.rest) t.value); }
    else lib.setAttrByPath (lib.tail i.prefix) (lib.mkIf (here t) (lib.setAttrByPath i.rest t.value));
  optionDefsUnder = root: map optionDef (lib.filter (t: lib.head t.path == root && t.info.declared) targets);
  optionReport = nlib.optionProblems { host = cfg.host; targets = lib.filter here targets; };

  smbpasswdScriptFor = user: credential:
    "+" + pkgs.writeShellScript "nixsec-smbpasswd-${user}" (nlib.smbpasswdScript {
      smbpasswd = "${config.services.samba.package}/bin/smbpasswd";
      inherit user credential;
    });

  plan = nlib.hostPlan {
    host = cfg.host;
    inherit hostData pathOf hasUnit hasUser smbpasswdScriptFor;
    templateUnit = backend.templateUnit or null;
  };
  backendUnits = if backend == null then { } else backend.units hostData;

  unitConfig = name: u: lib.mkMerge [
    (backendUnits.${name} or { })
    {
      serviceConfig = lib.mkMerge [
        (lib.mkIf (u.loadCredential != [ ]) { LoadCredential = u.loadCredential; })
        (lib.mkIf (u.environmentFile != [ ]) { EnvironmentFile = u.environmentFile; })
        (lib.mkIf (u.environment != [ ]) { Environment = u.environment; })
        (lib.mkIf (u.execStartPre != [ ]) { ExecStartPre = u.execStartPre; })
      ];
      restartTriggers = u.restartTriggers;
      after = u.after;
      wants = u.wants;
    }
  ];

  # Fleet-wide names (see optionDef), each present only where the plan has it.
  unitDefs = lib.genAttrs (nlib.fleetUnitNames data) (u: lib.mkIf (plan.units ? ${u}) (unitConfig u plan.units.${u}));
  userDefs = lib.genAttrs (nlib.fleetUserNames data) (u: lib.mkIf (plan.users ? ${u}) plan.users.${u});
  initrdDefs = lib.genAttrs (nlib.fleetInitrdPaths data) (p: lib.mkIf (plan.initrd ? ${p}) plan.initrd.${p});

  assertionList =
    map (message: { assertion = false; inherit message; }) (
      nlib.dataProblems { inherit data; host = cfg.host; }
      ++ lib.optional (backend == null) "nixsec.data: backend \"${backendName}\" is not one this module supports (${lib.concatStringsSep ", " (lib.attrNames backends)})"
      ++ lib.optional (backend != null && !(lib.elem backendName imported))
        ("nixsec: the generated data says ${cfg.host} decrypts with ${backendName}, but ${backendName}'s NixOS module is not imported"
          + (if imported == [ ] then "" else " (this configuration imports ${lib.concatStringsSep " and " imported}'s)")
          + "; ${backend.importHint}, or set hosts.${cfg.host}.backend in nixsec.yaml to the backend this host runs and run `nixsec gen` (and `nixsec rekey`)")
      ++ lib.optional (plan.initrd != { } && !(lib.hasAttrByPath [ "boot" "initrd" "secrets" ] options)) "nixsec: ${cfg.host} has initrd secrets, but boot.initrd.secrets is not an option of this configuration"
      ++ optionReport.problems
      ++ plan.problems)
    ++ [{
      # agenix decrypts in an activation script that user creation waits
      # for; with systemd-sysusers or userborn users come first (agenix #345).
      assertion = !(nlib.hasUserPasswords hostData) || backendName != "agenix" || !((config.systemd.sysusers.enable or false) || (config.services.userborn.enable or false));
      message = "nixsec: ${cfg.host}: a secret is wired to users.users.<name>.hashedPasswordFile, which agenix cannot provide before systemd-sysusers/userborn create users; disable those or set the password another way";
    }];

  # NixOS applies hashedPasswordFile to an existing user only when users
  # are immutable; otherwise a rotated hash would silently not take effect.
  warningList = optionReport.warnings ++ plan.warnings
    ++ lib.optional (plan.users != { } && (config.users.mutableUsers or false))
      "nixsec: ${cfg.host} sets users.users.<name>.hashedPasswordFile from a secret while users.mutableUsers is true; NixOS then uses it only when it creates the user, so rotating the secret will not change an existing password. Set users.mutableUsers = false to make rotation take effect.";

  # Everything this module defines, by top-level name.
  definitionsUnder = root:
    optionDefsUnder root
    ++ lib.optional (root == "systemd") { services = unitDefs; }
    ++ lib.optional (root == "users") { users = userDefs; }
    ++ lib.optional (root == "boot") { initrd.secrets = initrdDefs; }
    ++ lib.optional (root == "assertions") assertionList
    ++ lib.optional (root == "warnings") warningList
    ++ lib.concatMap (name: lib.optional (root == backends.${name}.root) (lib.mkIf (backendName == name) (backends.${name}.definitions hostData plan))) (lib.attrNames backends);
in
{
  _file = self;

  options.nixsec = {
    enable = lib.mkEnableOption "secrets managed by nixsec (decrypted by the backend the generated data names for this host: agenix or sops-nix)";

    data = lib.mkOption {
      type = lib.types.attrs;
      description = ''
        The data `nixsec gen` writes: which secrets and templates each host
        has, their owner, mode and consumers. Generated; do not edit by hand.
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

  config = lib.mkIf cfg.enable (lib.genAttrs
    (lib.filter (n: n != "_module" && n != "nixsec") (lib.attrNames options))
    (root: lib.mkMerge (definitionsUnder root)));
}
