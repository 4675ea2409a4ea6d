# The nixsec NixOS module. The generated data file (`nixsec gen` →
# <generatedDir>/data.nix) says which secrets and templates each host has and
# where they are used; everything that acts on it is here, reviewed once.
# Pure logic lives in ./lib.nix (tested with plain nix-instantiate); the
# decrypting backend in ./backends/.
#
# Usage, with the backend's module (agenix's) imported too:
#   imports = [ agenix.nixosModules.default nixsec.nixosModules.default ];
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
# Backends (./backends/<data.backend>.nix) give:
#   root            the top-level option their NixOS module declares ("age")
#   importHint      what to import when `options.<root>` is missing
#   secretPath n    where secret n is at run time
#   templatePath n  where template n is rendered
#   templateUnit    the unit that renders templates, or null when the
#                   backend's own module renders them
#   definitions hostData   definitions under `root`
#   units hostData         systemd.services of the units the backend owns
# A sops-nix backend plugs in as ./backends/sops-nix.nix with root = "sops",
# secretPath = n: config.sops.secrets.${n}.path, templatePath = n:
# config.sops.templates.${n}.path, templateUnit = null, units = _: { }, and
# definitions = hostData: { secrets = …; templates = mapAttrs (n: t: {
# content = concatMapStrings (p: p.text or config.sops.placeholder.${p.secret})
# t.parts; inherit (t) owner mode; … }) hostData.templates; }: the same
# parts, with sops-nix's placeholders instead of nixsec's renderer. Restarts
# need nothing more: consumers get restartTriggers from value ids on every
# backend. Add it to `backends` below.
{ config, lib, options, pkgs, ... }:
let
  nlib = import ./lib.nix;
  cfg = config.nixsec;
  self = toString ./nixsec.nix;
  data = cfg.data;
  hostData = nlib.forHost data cfg.host;

  backends = {
    agenix = import ./backends/agenix.nix { inherit config pkgs nlib; };
  };
  backend = backends.${data.backend or "none"} or null;
  backendName = data.backend or "none";

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
      ++ lib.optional (backend != null && !(options ? ${backend.root})) "nixsec: the generated data is for ${backendName}, whose NixOS module is not imported; ${backend.importHint}"
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
    ++ lib.concatMap (name: lib.optional (root == backends.${name}.root) (lib.mkIf (backendName == name) (backends.${name}.definitions hostData))) (lib.attrNames backends);
in
{
  _file = self;

  options.nixsec = {
    enable = lib.mkEnableOption "secrets managed by nixsec (decrypted by the backend of the generated data: agenix)";

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
