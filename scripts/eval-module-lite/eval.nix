# What scripts/eval-module-lite.sh evaluates: modules/nixsec.nix with
# nixpkgs' lib.evalModules, agenix's real module and ./standins.nix, on the
# example hosts (checked against nixsec/data.nix) and on made-up data for the
# cases the fleet does not have. Returns a list of { name; ok; value; }.
{ libDir, agenixDir, repoDir, host ? null }:
let
  lib = import (/. + libDir + "/lib");
  agenix = /. + agenixDir + "/modules/age.nix";
  repo = /. + repoDir;
  nlib = import (repo + "/modules/lib.nix");
  data = import (repo + "/nixsec/data.nix");
  inherit (builtins) attrNames elem filter getContext head isList isString length map match readFile;

  fakePkg = name: "/nix/store/00000000000000000000000000000000-${name}";
  pkgs = {
    age = fakePkg "age"; coreutils = fakePkg "coreutils"; cryptsetup = fakePkg "cryptsetup"; mount = fakePkg "mount";
    util-linux = fakePkg "util-linux"; cifs-utils = fakePkg "cifs-utils";
    writeShellScript = name: text: builtins.toFile name ("#!/bin/sh\n" + text);
    writeText = name: text: builtins.toFile name text;
  };

  eval = modules: (lib.evalModules {
    modules = [ ./standins.nix agenix { _module.args.pkgs = pkgs; } ] ++ modules;
  }).config;
  evalHost = h: extra: eval ([ (repo + "/examples/hosts/${h}.nix") ] ++ extra);

  failed = c: map (a: a.message) (filter (a: !a.assertion) c.assertions);
  check = name: ok: value: { inherit name ok value; };
  has = list: x: isList list && elem x list;
  units = c: attrNames c.systemd.services;
  matches = re: list: builtins.any (x: match re x != null) list;
  asList = v: if isList v then v else if v == null then [ ] else [ v ];
  svc = c: u: c.systemd.services.${u} or { };
  sc = c: u: k: asList ((svc c u).serviceConfig.${k} or null);

  # Checks of one example host against the data (what every wire must become).
  hostChecks = h:
    let
      c = evalHost h [ ];
      without = evalHost h [ { nixsec.enable = lib.mkForce false; } ];
      mine = nlib.forHost data h;
      path = w: if w ? secret then c.age.secrets.${w.secret}.path else "${nlib.templatesDir}/${w.template}";
      id = w: nlib.sourceId mine w;
      deps = w: if w ? template then [ "nixsec-templates.service" ] else [ ];
      triggered = u: w: has (svc c u).restartTriggers (id w) && lib.all (d: has (svc c u).after d && has (svc c u).wants d) (deps w);
      wireCheck = w:
        let what = "${nlib.sourceName w} → ${builtins.toJSON (removeAttrs w [ "secret" "template" "required" ])}"; in
        if w ? credential && w.credential != null then
          check what (has (sc c w.credential.unit "LoadCredential") "${w.credential.name}:${path w}" && triggered w.credential.unit w
            && (w.credential.env == null || has (sc c w.credential.unit "Environment") "${w.credential.env}=%d/${w.credential.name}")
            && (w.credential.option == null || lib.attrByPath w.credential.option null c == nlib.credentialPath w.credential.unit w.credential.name))
            { LoadCredential = sc c w.credential.unit "LoadCredential"; restartTriggers = (svc c w.credential.unit).restartTriggers or null; }
        else if w ? environmentFile then
          check what (has (sc c w.environmentFile "EnvironmentFile") (path w) && triggered w.environmentFile w) (sc c w.environmentFile "EnvironmentFile")
        else if w ? samba then
          check what (has (sc c "samba-smbd" "LoadCredential") "${nlib.sambaCredential w.samba}:${path w}" && triggered "samba-smbd" w
            && matches "\\+/nix/store/.*-nixsec-smbpasswd-${w.samba}" (sc c "samba-smbd" "ExecStartPre"))
            { LoadCredential = sc c "samba-smbd" "LoadCredential"; ExecStartPre = sc c "samba-smbd" "ExecStartPre"; }
        else if w ? option then
          let o = nlib.ownerUnit w.option; in
          check what (lib.attrByPath w.option null c == path w && (o == null || !(c.systemd.services ? ${o}) || triggered o w))
            { value = lib.attrByPath w.option null c; owner = o; restartTriggers = if o != null then (svc c o).restartTriggers or null else null; }
        else if w ? userPassword then
          check what (c.users.users.${w.userPassword}.hashedPasswordFile == path w) c.users.users.${w.userPassword}.hashedPasswordFile
        else if w ? initrd then
          check what (c.boot.initrd.secrets.${w.initrd} == path w) c.boot.initrd.secrets
        else check what true null;
      restartChecks = lib.concatMap (w: map (u: check "${nlib.sourceName w} restarts ${u}" (triggered u w) (svc c u).restartTriggers or null) w.restart) mine.wires;
      render = (svc c "nixsec-templates").serviceConfig.ExecStart or null;
      renderText = if render == null then "" else readFile render;
    in
    [
      (check "${h}: no failed assertions" (failed c == [ ]) (failed c))
      # users.mutableUsers is true in the example hosts (as NixOS defaults it):
      # the module says that a rotated hash then does not reach existing users.
      (check "${h}: no warnings (but mutableUsers')" (lib.all (m: match "nixsec: ${h} sets users.users.<name>.hashedPasswordFile from a secret while users.mutableUsers is true.*" m != null) c.warnings) c.warnings)
      (check "${h}: age.secrets = the host's secrets in nixsec/data.nix" (attrNames c.age.secrets == attrNames mine.secrets) (attrNames c.age.secrets))
      (check "${h}: units = the configuration's own units${if mine.templates != { } then " + nixsec-templates" else ""} (a wire creates none)"
        (units c == lib.sort (a: b: a < b) (units without ++ lib.optional (mine.templates != { }) "nixsec-templates")) { nixsec = units c; own = units without; })
      (check "${h}: users = the configuration's own users" (attrNames c.users.users == attrNames without.users.users) (attrNames c.users.users))
      (check "${h}: nixsec.host = networking.hostName" (c.nixsec.host == h) c.nixsec.host)
      (let m = failed (evalHost h [ { nixsec.host = lib.mkForce "no-such-host"; } ]); in
        check "${h}: nixsec.host = \"no-such-host\" is an assertion" (matches "nixsec\\.host: no host \"no-such-host\" in the generated data.*" m) m)
    ]
    ++ map (n: let s = c.age.secrets.${n}; d = mine.secrets.${n}; in
        check "${h}: age.secrets.\"${n}\" (file, owner, mode, path)"
          (toString s.file == toString d.file && s.owner == d.owner && s.mode == d.mode && s.path == "/run/agenix/${n}" && (d.group == null || s.group == d.group))
          { file = toString s.file; inherit (s) owner mode path; }) (attrNames mine.secrets)
    ++ map wireCheck mine.wires
    ++ restartChecks
    ++ lib.optionals (mine.templates != { }) [
      (check "${h}: nixsec-templates renders after agenix's install, restarts when a template or its values change"
        (has (svc c "nixsec-templates").after "agenix-install-secrets.service"
          && lib.all (n: lib.any (t: lib.hasInfix (nlib.templateId mine n) t) (svc c "nixsec-templates").restartTriggers) (attrNames mine.templates))
        (svc c "nixsec-templates").restartTriggers)
      (check "${h}: the render script cats each template's parts (secret paths, text files) into the new generation"
        (lib.all (n: lib.all (p: if p ? secret then lib.hasInfix "'${c.age.secrets.${p.secret}.path}'" renderText else true) mine.templates.${n}.parts
          && lib.hasInfix "\"$gen\"/'${n}'" renderText) (attrNames mine.templates))
        { script = render; text = renderText; })
    ];

  # Made-up data for the cases the example fleet does not have. Host "lab"
  # (a copy of hannibal's configuration plus the instances below) and host
  # "other"; every secret uses one example ciphertext.
  file = repo + "/secrets/withinbot/env.age";
  secret = extra: { inherit file; owner = "root"; group = null; mode = "0400"; format = "text"; valueId = "id-${extra}"; };
  wire = src: extra: { required = true; restart = [ ]; } // src // extra;
  # Sources and users by function, so no literal sits under a secret-like
  # name (nixsec audit reads this file too).
  sec = name: { secret = name; };
  tpl = name: { template = name; };
  as = k: v: { ${k} = v; };
  labData = {
    version = 2; backend = "agenix";
    hosts.other = { secrets."s/shared" = secret "shared"; templates = { }; wires = [ (wire (sec "s/shared") { samba = "alice"; }) ]; };
    hosts.lab = {
      secrets = lib.genAttrs [ "s/shared" "s/vhost" "s/novhost" "s/mail" "s/ctr" "s/hm" "s/initrd" "s/cred" "s/lenient" "s/strict" "s/nouser" "s/undeclared" "s/norestart" ] secret;
      templates."app/config" = { owner = "app"; group = null; mode = "0440"; parts = [ { text = "[db]\npassword = "; } (sec "s/cred") { text = "\nuser = app\n"; } ]; };
      wires = [
        (wire (sec "s/vhost") { option = [ "services" "nginx" "virtualHosts" "a.example.com" "basicAuthFile" ]; })
        (wire (sec "s/novhost") { option = [ "services" "nginx" "virtualHosts" "b.example.com" "basicAuthFile" ]; })
        (wire (sec "s/mail") { option = [ "mailserver" "loginAccounts" "alice@example.com" "hashedPasswordFile" ]; })
        (wire (sec "s/ctr") { option = [ "containers" "web" "config" "services" "foo" "passwordFile" ]; })
        (wire (sec "s/hm") { option = [ "home-manager" "users" "alice" "programs" "mbsync" "passwordFile" ]; })
        (wire (sec "s/initrd") { initrd = "/etc/secrets/initrd/ssh_host_ed25519_key"; })
        (wire (tpl "app/config") { credential = { unit = "app"; name = "config.ini"; option = null; env = null; }; })
        (wire (sec "s/cred") { environmentFile = "app"; restart = [ "app-worker" ]; })
        (wire (sec "s/lenient") { credential = { unit = "absent"; name = "x"; option = null; env = null; }; required = false; })
        (wire (sec "s/strict") { credential = { unit = "missing"; name = "x"; option = null; env = null; }; })
        (wire (sec "s/nouser") (as "userPassword" "mallory"))
        (wire (sec "s/undeclared") { option = [ "services" "nosuch" "tokenFile" ]; })
        (wire (sec "s/norestart") { restart = [ "gone" ]; })
      ];
    };
  };
  labBase = { lib, ... }: {
    networking.hostName = "lab";
    services.nginx = { enable = true; virtualHosts."a.example.com".locations."/" = { }; };
    mailserver.loginAccounts."alice@example.com" = { };
    containers.web.autoStart = true;
    home-manager.users.alice = { };
    users.users.app = { isSystemUser = true; group = "app"; };
    systemd.services.app = { description = "app"; };
    systemd.services.app-worker = { description = "app worker"; };
  };
  labWith = extra: eval [ (repo + "/modules/nixsec.nix") labBase { services.openssh.enable = true; nixsec = { enable = true; data = lib.mkDefault labData; }; } extra ];
  lab = labWith { };
  labFailed = failed lab;
  id = s: "id-${s}";
  ctr = (lib.evalModules { modules = [ lab.containers.web.config { options.services.foo.passwordFile = lib.mkOption { type = lib.types.str; }; } ]; }).config;
  renderText = readFile lab.systemd.services.nixsec-templates.serviceConfig.ExecStart;
  labChecks = [
    (check "per host: lab reads s/shared, whose samba wire is on \"other\": no samba-smbd unit here, no assertion"
      (!(lab.systemd.services ? samba-smbd) && !(matches ".*samba.*" labFailed)) (units lab))
    (check "option path with a quoted name: services.nginx.virtualHosts.\"a.example.com\".basicAuthFile"
      (lab.services.nginx.virtualHosts."a.example.com".basicAuthFile == "/run/agenix/s/vhost") lab.services.nginx.virtualHosts."a.example.com")
    (check "… and the owning service (nginx) restarts when the value changes" (has lab.systemd.services.nginx.restartTriggers (id "s/vhost")) lab.systemd.services.nginx.restartTriggers)
    (check "a virtual host nobody defines is not created; its wire is an assertion naming host, secret and instance"
      (!(lab.services.nginx.virtualHosts ? "b.example.com")
        && matches "nixsec: lab: secret \"s/novhost\" is wired to services\\.nginx\\.virtualHosts\\.\"b\\.example\\.com\"\\.basicAuthFile, but no other module defines services\\.nginx\\.virtualHosts\\.\"b\\.example\\.com\" on lab.*" labFailed)
      { vhosts = attrNames lab.services.nginx.virtualHosts; failed = labFailed; })
    (check "a root outside any fixed list: mailserver.loginAccounts.\"alice@example.com\".hashedPasswordFile"
      (lab.mailserver.loginAccounts."alice@example.com".hashedPasswordFile == "/run/agenix/s/mail") lab.mailserver.loginAccounts)
    (check "containers.web.config.services.foo.passwordFile reaches the container's own configuration"
      (ctr.services.foo.passwordFile == "/run/agenix/s/ctr") ctr.services.foo.passwordFile)
    (check "home-manager.users.alice.programs.mbsync.passwordFile" (lab.home-manager.users.alice.programs.mbsync.passwordFile == "/run/agenix/s/hm") lab.home-manager.users.alice)
    (check "initrd: boot.initrd.secrets.\"/etc/secrets/initrd/ssh_host_ed25519_key\" = the agenix path"
      (lab.boot.initrd.secrets == { "/etc/secrets/initrd/ssh_host_ed25519_key" = "/run/agenix/s/initrd"; }) lab.boot.initrd.secrets)
    (check "template on agenix: the consumer loads the rendered file, after nixsec-templates, and restarts with the template's id"
      (has lab.systemd.services.app.serviceConfig.LoadCredential "config.ini:/run/nixsec/templates/app/config"
        && has lab.systemd.services.app.after "nixsec-templates.service" && has lab.systemd.services.app.wants "nixsec-templates.service"
        && has lab.systemd.services.app.restartTriggers (nlib.templateId labData.hosts.lab "app/config"))
      { inherit (lab.systemd.services.app) after wants restartTriggers; LoadCredential = lab.systemd.services.app.serviceConfig.LoadCredential; })
    (check "… nixsec-templates is a oneshot after agenix-install-secrets.service whose script cats store text and the secret's path"
      (lab.systemd.services.nixsec-templates.serviceConfig.Type == "oneshot" && has lab.systemd.services.nixsec-templates.after "agenix-install-secrets.service"
        && match "(.|\n)*/bin/cat '/nix/store/[a-z0-9]{32}-nixsec-template-text' '/run/agenix/s/cred' '/nix/store/[a-z0-9]{32}-nixsec-template-text' > \"\\$gen\"/'app/config'(.|\n)*" renderText != null
        && match "(.|\n)*/bin/chown 'app:' \"\\$gen\"/'app/config'\n.*/bin/chmod '0440' \"\\$gen\"/'app/config'(.|\n)*" renderText != null)
      renderText)
    (check "… its text parts are store files holding exactly the template text"
      (let files = filter (f: match ".*-nixsec-template-text" f != null) (builtins.concatLists (map (m: if isList m then m else [ ]) (builtins.split "'(/nix/store/[^']*)'" renderText)));
       in map readFile files == [ "[db]\npassword = " "\nuser = app\n" ]) null)
    (check "environmentFile and an explicit restart" (has lab.systemd.services.app.serviceConfig.EnvironmentFile "/run/agenix/s/cred" && has lab.systemd.services.app-worker.restartTriggers (id "s/cred")) null)
    (check "a lenient wire (required = false) to a unit lab lacks: skipped with a warning, no unit"
      (!(lab.systemd.services ? absent) && matches "nixsec: lab: secret \"s/lenient\" is wired to systemd service \"absent\".*skipped here.*" lab.warnings && !(matches ".*s/lenient.*" labFailed)) lab.warnings)
    (check "a required wire to a unit lab lacks: an assertion naming host, secret and unit; no unit"
      (!(lab.systemd.services ? missing) && matches "nixsec: lab: secret \"s/strict\" is wired to systemd service \"missing\" \\(credential x\\), which lab does not define.*" labFailed) labFailed)
    (check "a user password for a user lab does not define: an assertion; no user"
      (!(lab.users.users ? mallory) && matches "nixsec: lab: secret \"s/nouser\" is the password of user \"mallory\", whom lab does not define.*" labFailed) labFailed)
    (check "an option lab does not declare: an assertion"
      (matches "nixsec: lab: secret \"s/undeclared\" is wired to services\\.nosuch\\.tokenFile, which is not an option of this configuration.*" labFailed) labFailed)
    (check "a restart of a unit lab lacks: an assertion" (!(lab.systemd.services ? gone) && matches ".*\"s/norestart\" is wired to systemd service \"gone\" \\(restart\\).*" labFailed) labFailed)
    (check "exactly these assertions fail on lab" (length labFailed == 5) labFailed)
    (let c = labWith { nixsec.host = lib.mkForce "other"; }; in
      check "as host \"other\": samba-smbd would need samba (assertion), lab's wires create nothing"
        (matches "nixsec: other: secret \"s/shared\" is wired to systemd service \"samba-smbd\".*" (failed c)
          && c.services.nginx.virtualHosts."a.example.com".basicAuthFile == null && !(c.systemd.services ? nixsec-templates) && c.boot.initrd.secrets == { } && c.mailserver.loginAccounts."alice@example.com".hashedPasswordFile == null)
        (failed c))
    (let c = labWith { nixsec.data = labData // { version = 1; }; }; in
      check "data version 1 is an assertion asking for nixsec gen" (matches "nixsec\\.data: generated data version 1 is not supported by this module \\(expects 2\\).*" (failed c)) (failed c))
    (let c = (lib.evalModules { modules = [ ./standins.nix { _module.args.pkgs = pkgs; } (repo + "/modules/nixsec.nix") labBase { nixsec = { enable = true; data = labData; }; } ]; }).config; in
      check "without agenix's module: an assertion saying what to import" (matches "nixsec: the generated data is for agenix, whose NixOS module is not imported.*" (failed c)) (failed c))
  ];
  # One example host evaluated as another: the other's wires name what this
  # configuration lacks.
  crossChecks = h:
    let m = failed (evalHost h [ { nixsec.host = lib.mkForce "hannibal"; } ]); in
    lib.optionals (h == "storage2") [
      (check "storage2 with nixsec.host = \"hannibal\": assertions name hannibal's option, virtual host and unit that storage2 lacks"
        (matches ".*services\\.withings-weights\\.oauthClientSecretFile, which is not an option of this configuration.*" m
          && matches ".*no other module defines services\\.nginx\\.virtualHosts\\.\"weights\\.example\\.com\" on hannibal.*" m
          && matches ".*template \"cifs/alice\" is wired to systemd service \"share-sync\".*" m) m)
    ];
in
if host == null then labChecks else hostChecks host ++ crossChecks host
