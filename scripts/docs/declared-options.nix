# The options a list of NixOS modules declares, merged into one tree, each
# option tagged with the file declaring it (`_file`). Only declarations are
# read: a module's `config` is never evaluated, and its function gets `lib`,
# `name` (for submodules) and, for anything else it asks for (config, pkgs,
# options…), a value that throws when used, so defaults that depend on them
# show as computed. Each option also gets its `loc` (under `prefix`), as
# nixpkgs' evaluated options carry it. nixpkgs' evalModules does more; for a
# reference of what a module declares this is enough, and it runs without
# nixpkgs.
{ lib, modules, args ? { }, file ? null, prefix ? [ ] }:
let
  inherit (builtins) attrNames concatMap foldl' functionArgs isAttrs isFunction isPath isString listToAttrs mapAttrs;

  unavailable = name: throw "not available while generating docs: ${name}";
  call = f: f (mapAttrs (n: _: args.${n} or (if n == "lib" then lib else unavailable n)) (functionArgs f));

  # One module (a path, a function or an attrset) → [ { file; options; } ] with its imports.
  load = from: m:
    if isPath m || isString m then load (toString m) (import m)
    else if isFunction m then load from (call m)
    else
      let
        explicit = m ? options || m ? config || m ? imports;
        here = { file = m._file or from; options = if explicit then m.options or { } else { }; };
      in [ here ] ++ concatMap (load from) (m.imports or [ ]);

  isOption = v: isAttrs v && (v._type or null) == "option";
  tag = f: loc: tree:
    if isOption tree then tree // { _file = f; inherit loc; }
    else if isAttrs tree then mapAttrs (n: tag f (loc ++ [ n ])) tree
    else tree;
  merge = a: b: a // mapAttrs (n: v: if a ? ${n} && !(isOption v) && !(isOption a.${n}) then merge a.${n} v else v) b;
in
foldl' merge { } (map (m: tag m.file prefix m.options) (concatMap (load file) modules))
