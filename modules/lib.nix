# Pure functions behind the nixsec NixOS module: generated data in, NixOS
# configuration fragments out. Only builtins are used, so tests evaluate this
# file with plain `nix-instantiate --eval` (no nixpkgs).
#
# Data contract (keep in sync with src/nixgen/data.ts and src/manifest/wire.ts):
#   data.version = 1; data.backend = "agenix";
#   data.hosts.<host>.secrets.<name> = {
#     file; owner; group (or null); mode; format; hash;  # hash: of the ciphertext
#     wire = [ entry ... ];
#   };
#   entry: exactly one of
#     { option = [ "services" "foo" "passwordFile" ]; }
#     { credential = { unit; name; option (list or null); env (string or null); }; }
#     { environmentFile = unit; }   { samba = user; }   { userPassword = user; }
#   plus restart = [ unit ... ] (possibly empty). Units are systemd.services names.
let
  inherit (builtins) attrNames concatLists concatStringsSep elem filter foldl' head length listToAttrs map tail;

  mapAttrsToList = f: attrs: map (n: f n attrs.${n}) (attrNames attrs);

  setAttrByPath = path: value:
    if path == [ ] then value else { ${head path} = setAttrByPath (tail path) value; };

  # Every (secret, wire entry) pair of a host, flattened.
  entriesOf = secrets:
    concatLists (mapAttrsToList (name: s: map (w: { inherit name w; secret = s; }) s.wire) secrets);

  has = w: k: w ? ${k} && w.${k} != null;

  # Merges unit fragments: lists are concatenated, in order.
  mergeUnits = fragments:
    foldl' (acc: f: acc // {
      ${f.unit} = let old = acc.${f.unit} or { loadCredential = [ ]; environmentFile = [ ]; environment = [ ]; execStartPre = [ ]; restartTriggers = [ ]; };
      in {
        loadCredential = old.loadCredential ++ (f.loadCredential or [ ]);
        environmentFile = old.environmentFile ++ (f.environmentFile or [ ]);
        environment = old.environment ++ (f.environment or [ ]);
        execStartPre = old.execStartPre ++ (f.execStartPre or [ ]);
        restartTriggers = old.restartTriggers ++ (f.restartTriggers or [ ]);
      };
    }) { } fragments;

in rec {
  sambaUnit = "samba-smbd";

  # The secrets of one host; {} when the host has none.
  forHost = data: host: (data.hosts.${host} or { secrets = { }; }).secrets;

  hostNames = data: attrNames data.hosts;

  # age.secrets.<name> for the agenix backend.
  ageSecrets = secrets:
    builtins.mapAttrs (name: s:
      { inherit (s) file mode owner; } // (if s.group == null then { } else { inherit (s) group; })
    ) secrets;

  credentialPath = unit: cred: "/run/credentials/${unit}.service/${cred}";

  sambaCredential = user: "nixsec-samba-${user}";

  # The ExecStartPre script text for a samba user. It reads the password from
  # the unit's credentials at run time; the value is never part of the script.
  # printf is a shell builtin, so the password appears in no process's argv.
  smbpasswdScript = { smbpasswd, user, credential }: ''
    set -eu
    pw=$(cat "''${CREDENTIALS_DIRECTORY}/${credential}")
    printf '%s\n%s\n' "$pw" "$pw" | ${smbpasswd} -a -s '${user}' >/dev/null
  '';

  # The options a host's secrets are wired to under one top-level name
  # (services, programs, …): { name; path (below the root); value; }, where
  # value is the decrypted path or the unit's credential path.
  optionTargets = { secrets, pathOf, root }:
    let
      fromEntry = e:
        if has e.w "option" && head e.w.option == root then
          [ { inherit (e) name; path = tail e.w.option; value = pathOf e.name; } ]
        else if has e.w "credential" && has e.w.credential "option" && head e.w.credential.option == root then
          [ { inherit (e) name; path = tail e.w.credential.option; value = credentialPath e.w.credential.unit e.w.credential.name; } ]
        else [ ];
    in concatLists (map fromEntry (entriesOf secrets));

  # optionTargets of every host in the data, each with its `host`. The module
  # defines all of them, each guarded by `host == nixsec.host`: the shape of
  # what it defines under a root must not depend on which host this is, since
  # nixsec.host defaults to networking.hostName, itself under a root.
  fleetOptionTargets = { data, pathOf, root }:
    concatLists (map (host: map (t: t // { inherit host; }) (optionTargets { secrets = forHost data host; inherit pathOf root; })) (attrNames (data.hosts or { })));

  # Option definitions under one top-level name (services, programs, …), as a
  # list for lib.mkMerge. `pathOf name` is where the backend decrypts a secret.
  # What the module's guarded fleetOptionTargets come to on one host.
  optionDefs = { secrets, pathOf, root }:
    map (t: setAttrByPath t.path t.value) (optionTargets { inherit secrets pathOf root; });

  # Top-level names used by option consumers, to check against the module's list.
  optionRoots = secrets:
    concatLists (map (e:
      if has e.w "option" then [ (head e.w.option) ]
      else if has e.w "credential" && has e.w.credential "option" then [ (head e.w.credential.option) ]
      else [ ]) (entriesOf secrets));

  # systemd.services fragments per unit: LoadCredential, EnvironmentFile,
  # Environment, ExecStartPre and restartTriggers (the ciphertext hash, so a
  # changed secret restarts its consumers on switch).
  unitDefs = { secrets, pathOf, smbpasswdScriptFor }:
    let
      fragmentsOf = e:
        let
          trigger = [ e.secret.hash ];
          restarts = map (u: { unit = u; restartTriggers = trigger; }) (e.w.restart or [ ]);
          own =
            if has e.w "credential" then [{
              unit = e.w.credential.unit;
              loadCredential = [ "${e.w.credential.name}:${pathOf e.name}" ];
              environment = if has e.w.credential "env" then [ "${e.w.credential.env}=%d/${e.w.credential.name}" ] else [ ];
              restartTriggers = trigger;
            }]
            else if has e.w "environmentFile" then [{
              unit = e.w.environmentFile;
              environmentFile = [ (pathOf e.name) ];
              restartTriggers = trigger;
            }]
            else if has e.w "samba" then [{
              unit = sambaUnit;
              loadCredential = [ "${sambaCredential e.w.samba}:${pathOf e.name}" ];
              execStartPre = [ (smbpasswdScriptFor e.w.samba (sambaCredential e.w.samba)) ];
              restartTriggers = trigger;
            }]
            else [ ];
        in own ++ restarts;
    in mergeUnits (concatLists (map fragmentsOf (entriesOf secrets)));

  # users.users.<user>.hashedPasswordFile
  userPasswords = { secrets, pathOf }:
    listToAttrs (concatLists (map (e:
      if has e.w "userPassword" then [{ name = e.w.userPassword; value = { hashedPasswordFile = pathOf e.name; }; }] else [ ]
    ) (entriesOf secrets)));

  hasUserPasswords = secrets: filter (e: has e.w "userPassword") (entriesOf secrets) != [ ];

  # Problems with the data, as assertion messages that name the option path.
  dataProblems = { data, host, roots }:
    (if (data.version or null) != 1 then [ "nixsec.data: generated data version ${toString (data.version or "none")} is not supported by this module (expects 1); update nixsec or regenerate with `nixsec gen`" ] else [ ])
    ++ (if !(data ? hosts) || !(data.hosts ? ${host}) then [ "nixsec.host: no host \"${host}\" in the generated data (hosts: ${concatStringsSep ", " (attrNames (data.hosts or { }))}); add it with `nixsec host add ${host}` or set nixsec.host" ] else [ ])
    ++ map (r: "nixsec.data: a secret of ${host} is wired to an option under \"${r}\", which this module cannot set; supported: ${concatStringsSep ", " roots}")
      (filter (r: !(elem r roots)) (optionRoots (forHost data host)));
}
