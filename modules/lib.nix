# Pure functions behind the nixsec NixOS module: generated data in, NixOS
# configuration fragments, assertion and warning messages out. Only builtins
# are used, so tests evaluate this file with plain `nix-instantiate --eval`
# (no nixpkgs). What the module knows only from the configuration (does a
# unit, user or option exist here?) comes in as functions ("oracles").
#
# Data contract, version 2 (keep in sync with src/nixgen/data.ts):
#   data.version = 2; data.backend = "agenix" | "sops-nix";
#   data.hosts.<host> = {
#     secrets.<name>   = { file; owner; group (or null); mode; format; valueId; };
#     templates.<name> = { owner; group (or null); mode; parts = [ { text = "…"; } { secret = "name"; } … ]; };
#     wires = [ wire … ];
#   };
#   wire: { secret = "name"; } or { template = "name"; }, plus
#     required = bool;    the consumer must exist on this host (else an assertion; if false, a warning and skipped)
#     restart = [ unit … ];  (systemd.services names, without ".service")
#     and at most one consumer:
#       option = [ "services" "nginx" "virtualHosts" "a.example.com" "basicAuthFile" ];
#       credential = { unit; name; option (list or null); env (string or null); };
#       environmentFile = unit;   samba = user;   userPassword = user;   initrd = "/abs/path";
#   valueId changes exactly when the secret's value does (never derived from
#   it); it is the restart trigger of the consumers.
let
  inherit (builtins) any attrNames concatLists concatStringsSep elem elemAt filter foldl' genList hashString head
    length listToAttrs map match replaceStrings tail toJSON;

  setAttrByPath = path: value:
    if path == [ ] then value else { ${head path} = setAttrByPath (tail path) value; };

  unique = list: foldl' (acc: x: if elem x acc then acc else acc ++ [ x ]) [ ] list;

  has = w: k: w ? ${k} && w.${k} != null;

  emptyHost = { secrets = { }; templates = { }; wires = [ ]; };

  emptyUnit = { loadCredential = [ ]; environmentFile = [ ]; environment = [ ]; execStartPre = [ ]; restartTriggers = [ ]; after = [ ]; wants = [ ]; };

  # Merges unit fragments: lists are concatenated in order, duplicates dropped.
  mergeUnits = fragments:
    foldl' (acc: f: acc // {
      ${f.unit} = let old = acc.${f.unit} or emptyUnit; in
        builtins.mapAttrs (k: v: unique (v ++ (f.${k} or [ ]))) old;
    }) { } fragments;

  # Single-quoted for sh; every quote inside closed and escaped.
  shellQuote = s: "'" + replaceStrings [ "'" ] [ "'\\''" ] s + "'";

  isIdentifier = s: match "[A-Za-z_][A-Za-z0-9_'-]*" s != null;

  dirsOf = name:
    let segs = filter (s: s != "" && !(builtins.isList s)) (builtins.split "/" name);
    in genList (i: concatStringsSep "/" (genList (j: elemAt segs j) (i + 1))) (length segs - 1);

in rec {
  sambaUnit = "samba-smbd";

  # The agenix backend renders templates here (a symbolic link to the current
  # generation under /run/nixsec/templates.d), with this unit.
  runtimeDir = "/run/nixsec";
  templatesDir = "${runtimeDir}/templates";
  renderUnit = "nixsec-templates";

  supportedVersion = 2;

  # What one host has; empty when the data does not name it.
  forHost = data: host: emptyHost // (data.hosts.${host} or { });

  hostNames = data: attrNames (data.hosts or { });

  # age.secrets.<name> for the agenix backend.
  ageSecrets = secrets:
    builtins.mapAttrs (name: s:
      { inherit (s) file mode owner; } // (if s.group == null then { } else { inherit (s) group; })
    ) secrets;

  credentialPath = unit: cred: "/run/credentials/${unit}.service/${cred}";

  sambaCredential = user: "nixsec-samba-${user}";

  # An option path as Nix writes it, for messages.
  showOption = path: concatStringsSep "." (map (s: if isIdentifier s then s else toJSON s) path);

  # "secret x" or "template y", for messages.
  sourceName = w: if w ? secret then "secret \"${w.secret}\"" else "template \"${w.template}\"";

  # The ExecStartPre script text for a samba user. It reads the password from
  # the unit's credentials at run time; the value is never part of the script.
  # printf is a shell builtin, so the password appears in no process's argv.
  smbpasswdScript = { smbpasswd, user, credential }: ''
    set -eu
    pw=$(cat "''${CREDENTIALS_DIRECTORY}/${credential}")
    printf '%s\n%s\n' "$pw" "$pw" | ${smbpasswd} -a -s '${user}' >/dev/null
  '';

  # A template's restart trigger: changes when its text, or the value of a
  # secret it names, changes. Made of value ids, never of values.
  templateId = hostData: name:
    "sha256-" + hashString "sha256" (toJSON (map (p:
      if p ? secret then { secret = p.secret; id = hostData.secrets.${p.secret}.valueId or "missing"; } else p
    ) hostData.templates.${name}.parts));

  # What a wire's consumers restart on.
  sourceId = hostData: w:
    if w ? secret then hostData.secrets.${w.secret}.valueId or "missing" else templateId hostData w.template;

  # The service that reads an option, when its path says so; null otherwise.
  # Option wires restart it (when the host has it).
  ownerUnit = path:
    let
      n = length path;
      at = i: elemAt path i;
    in
    if n > 2 && at 0 == "services" then at 1
    else if n > 4 && at 0 == "networking" && at 1 == "wireguard" && at 2 == "interfaces" then "wireguard-${at 3}"
    else if n > 2 && at 0 == "containers" then "container@${at 1}"
    else if n > 3 && at 0 == "home-manager" && at 1 == "users" then "home-manager-${at 2}"
    else null;

  # Option consumers of one host: { source; path; value; required; w; },
  # where value is the runtime path (or the credential's path).
  optionTargets = { hostData, pathOf }:
    concatLists (map (w:
      if has w "option" then [ { source = sourceName w; path = w.option; value = pathOf w; inherit (w) required; inherit w; } ]
      else if has w "credential" && has w.credential "option" then
        [ { source = sourceName w; path = w.credential.option; value = credentialPath w.credential.unit w.credential.name; inherit (w) required; inherit w; } ]
      else [ ]) hostData.wires);

  # optionTargets of every host, each with its `host`. The module defines all
  # of them, each guarded by `host == nixsec.host`: what it defines under a
  # top-level name must not depend on which host this is, since nixsec.host
  # defaults to networking.hostName, itself under a top-level name.
  fleetOptionTargets = { data, pathFor }:
    concatLists (map (host: map (t: t // { inherit host; }) (optionTargets { hostData = forHost data host; pathOf = pathFor host; })) (hostNames data));

  # What a missing or undeclared option target means on this host. Each
  # target's `info` (from the module) says whether its path is a declared
  # option and, for a path into a named instance (virtualHosts."a",
  # containers.c, users.users.u), whether another module defines it:
  # { declared; exists; instance (a path); }.
  optionProblems = { host, targets }:
    let
      report = t: msg: if t.required then { problems = [ msg ]; warnings = [ ]; } else { problems = [ ]; warnings = [ "${msg}; skipped here (it applies to the hosts that have it; name them on the wire to make it required: nixsec wire … --host HOST)" ]; };
      one = t:
        let i = t.info; in
        if !i.declared then report t "nixsec: ${host}: ${t.source} is wired to ${showOption t.path}, which is not an option of this configuration; import the module that declares it, or change the wire entry in nixsec.yaml"
        else if !i.exists then report t "nixsec: ${host}: ${t.source} is wired to ${showOption t.path}, but no other module defines ${showOption i.instance} on ${host}; define it, or change the wire entry in nixsec.yaml"
        else { problems = [ ]; warnings = [ ]; };
      all' = map one targets;
    in { problems = concatLists (map (r: r.problems) all'); warnings = concatLists (map (r: r.warnings) all'); };

  # Every unit name a host's wires may touch (consumers, restarts, owners of
  # options, the samba daemon, the render unit), for the module's fleet-wide
  # systemd.services attribute names.
  unitNames = hostData:
    unique (concatLists (map (w:
      w.restart
      ++ (if has w "credential" then [ w.credential.unit ] else [ ])
      ++ (if has w "environmentFile" then [ w.environmentFile ] else [ ])
      ++ (if has w "samba" then [ sambaUnit ] else [ ])
      ++ (if has w "option" && ownerUnit w.option != null then [ (ownerUnit w.option) ] else [ ])
    ) hostData.wires) ++ (if hostData.templates != { } then [ renderUnit ] else [ ]));

  fleetUnitNames = data: unique (concatLists (map (h: unitNames (forHost data h)) (hostNames data)));

  fleetUserNames = data: unique (concatLists (map (h: map (w: w.userPassword) (filter (w: has w "userPassword") (forHost data h).wires)) (hostNames data)));

  fleetInitrdPaths = data: unique (concatLists (map (h: map (w: w.initrd) (filter (w: has w "initrd") (forHost data h).wires)) (hostNames data)));

  # One host's units, users, initrd secrets, assertion messages and warnings.
  #   pathOf w            where the wire's secret or rendered template is
  #   hasUnit u, hasUser u  whether another module defines systemd.services.u / users.users.u
  #   templateUnit        the unit that renders templates (null when the backend renders them itself)
  #   smbpasswdScriptFor user credential → the ExecStartPre entry
  # Units and users that are missing are left out (with a message), never created.
  hostPlan = { host, hostData, pathOf, hasUnit, hasUser, templateUnit ? null, smbpasswdScriptFor }:
    let
      report = w: msg:
        if w.required then { problems = [ "nixsec: ${host}: ${msg}" ]; }
        else { warnings = [ "nixsec: ${host}: ${msg}; skipped here (it applies to the hosts that have it; name them on the wire to make it required: nixsec wire … --host HOST)" ]; };
      needUnit = w: unit: what: fragment:
        if hasUnit unit then { units = [ (fragment // { inherit unit; }) ]; }
        else report w "${sourceName w} is wired to systemd service \"${unit}\" (${what}), which ${host} does not define; enable or define the service, or change the wire entry in nixsec.yaml";
      one = w:
        let
          id = sourceId hostData w;
          path = pathOf w;
          deps = if w ? template && templateUnit != null then [ "${templateUnit}.service" ] else [ ];
          consumer = { restartTriggers = [ id ]; after = deps; wants = deps; };
          own =
            if has w "credential" then
              [ (needUnit w w.credential.unit "credential ${w.credential.name}" (consumer // {
                loadCredential = [ "${w.credential.name}:${path}" ];
                environment = if has w.credential "env" then [ "${w.credential.env}=%d/${w.credential.name}" ] else [ ];
              })) ]
            else if has w "environmentFile" then
              [ (needUnit w w.environmentFile "EnvironmentFile" (consumer // { environmentFile = [ path ]; })) ]
            else if has w "samba" then
              [ (needUnit w sambaUnit "samba password of ${w.samba}; set services.samba.enable" (consumer // {
                loadCredential = [ "${sambaCredential w.samba}:${path}" ];
                execStartPre = [ (smbpasswdScriptFor w.samba (sambaCredential w.samba)) ];
              })) ]
            else if has w "option" then
              # The owning service restarts when it exists; nothing to report otherwise.
              (let o = ownerUnit w.option; in if o != null && hasUnit o then [ { units = [ (consumer // { unit = o; }) ]; } ] else [ ])
            else if has w "userPassword" then
              [ (if hasUser w.userPassword then { users.${w.userPassword} = { hashedPasswordFile = path; }; }
                 else report w "${sourceName w} is the password of user \"${w.userPassword}\", whom ${host} does not define (users.users.${w.userPassword}); define the user, or change the wire entry in nixsec.yaml") ]
            else if has w "initrd" then [ { initrd.${w.initrd} = path; } ]
            else [ ];
          restarts = map (u: needUnit w u "restart" consumer) w.restart;
        in own ++ restarts;
      parts = concatLists (map one hostData.wires);
      render = if templateUnit != null && hostData.templates != { } then [ { unit = templateUnit; restartTriggers = map (n: "${n}:${templateId hostData n}:${toJSON (removeAttrs hostData.templates.${n} [ "parts" ])}") (attrNames hostData.templates); } ] else [ ];
    in {
      units = mergeUnits (concatLists (map (p: p.units or [ ]) parts) ++ render);
      users = foldl' (acc: p: acc // (p.users or { })) { } parts;
      initrd = foldl' (acc: p: acc // (p.initrd or { })) { } parts;
      problems = concatLists (map (p: p.problems or [ ]) parts);
      warnings = concatLists (map (p: p.warnings or [ ]) parts);
    };

  hasUserPasswords = hostData: any (w: has w "userPassword") hostData.wires;

  # The script that renders a host's templates (agenix backend). Each run
  # writes every template into a new directory under <base>/templates.d,
  # then points the <base>/templates link at it and removes the old ones, so
  # a reader always sees one whole generation. A template is written by `cat`
  # of its parts in order: text parts from files (`textFile name i text`,
  # store files on a host), secret parts from their decrypted files
  # (`secretPath name`). Values are never on a command line or in the
  # environment, and never scanned for placeholders. `base` defaults to
  # runtimeDir (tests render elsewhere).
  renderScript = { templates, secretPath, textFile, bin, base ? runtimeDir }:
    let
      q = shellQuote;
      one = name:
        let
          t = templates.${name};
          files = genList (i: let p = elemAt t.parts i; in if p ? secret then secretPath p.secret else textFile name i p.text) (length t.parts);
          owner = if t.group == null then "${t.owner}:" else "${t.owner}:${t.group}";
          target = "\"$gen\"/" + q name;
        in ''
          ${concatStringsSep "\n" (map (d: "${bin}/install -d -m 0751 \"$gen\"/${q d}") (dirsOf name))}
          ${if files == [ ] then "${bin}/true" else "${bin}/cat ${concatStringsSep " " (map q files)}"} > ${target}
          ${bin}/chown ${q owner} ${target}
          ${bin}/chmod ${q t.mode} ${target}
        '';
    in ''
      set -eu
      umask 0077
      ${bin}/install -d -m 0751 ${q base} ${q "${base}/templates.d"}
      gen=$(${bin}/mktemp -d ${q "${base}/templates.d/XXXXXXXXXX"})
      ${bin}/chmod 0751 "$gen"
      ${concatStringsSep "\n" (map one (attrNames templates))}
      ${bin}/ln -sfn "$gen" ${q "${base}/templates.new"}
      ${bin}/mv -Tf ${q "${base}/templates.new"} ${q "${base}/templates"}
      for old in ${q "${base}/templates.d"}/*; do
        [ "$old" = "$gen" ] || ${bin}/rm -rf -- "$old"
      done
    '';

  # Problems with the data itself, as assertion messages naming the option.
  dataProblems = { data, host }:
    (if (data.version or null) != supportedVersion then [ "nixsec.data: generated data version ${toString (data.version or "none")} is not supported by this module (expects ${toString supportedVersion}); regenerate it with this nixsec's `nixsec gen`, or use the module of the nixsec that wrote it" ] else [ ])
    ++ (if !(data ? hosts) || !(data.hosts ? ${host}) then [ "nixsec.host: no host \"${host}\" in the generated data (hosts: ${concatStringsSep ", " (attrNames (data.hosts or { }))}); add it with `nixsec host add ${host}` or set nixsec.host" ] else [ ]);
}
