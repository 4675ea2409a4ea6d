# The options reference as data: one entry per option the given modules
# declare (sub-options of submodules included), as JSON for
# scripts/gen-docs.mjs. `lib` is nixpkgs' lib where one is at hand, else the
# stand-in beside this file (see there).
{ lib ? import ./stand-in-lib.nix, modules, root }:
let
  inherit (builtins) attrNames concatMap concatStringsSep elem isAttrs isBool isFloat isFunction isInt isList isPath isString length match replaceStrings stringLength substring toJSON tryEval typeOf;

  declared = import ./declared-options.nix { inherit lib modules; };
  isOption = v: isAttrs v && (v._type or null) == "option";

  # Nix syntax for a value, or null when it cannot be shown (depends on
  # config or pkgs, or is a function).
  show = v:
    let r = tryEval (render v); in if r.success then r.value else null;
  render = v:
    if isAttrs v && (v._type or null) == "literalExpression" then v.text
    else if isAttrs v && (v._type or null) == "literalMD" then v.text
    else if isAttrs v && (v.type or null) == "derivation" then "<derivation ${v.name or "?"}>"
    else if isString v then toJSON v
    else if isBool v then (if v then "true" else "false")
    else if v == null then "null"
    else if isInt v || isFloat v then toString v
    else if isPath v then toString v
    else if isList v then (if v == [ ] then "[ ]" else "[ ${concatStringsSep " " (map render v)} ]")
    else if isAttrs v then (if v == { } then "{ }" else "{ ${concatStringsSep " " (map (n: "${attrName n} = ${render v.${n}};") (attrNames v))} }")
    else throw "cannot show a ${typeOf v}";
  attrName = n: if match "[A-Za-z_][A-Za-z0-9_'-]*" n != null then n else toJSON n;
  # How NixOS writes an option path: components that are not identifiers quoted, `<name>` and `*` as they are.
  showLoc = loc: concatStringsSep "." (map (n: if elem n [ "<name>" "*" ] then n else attrName n) loc);
  relative = f: let p = toString f; r = toString root; in
    if substring 0 (stringLength r + 1) p == "${r}/" then substring (stringLength r + 1) (-1) p else p;

  # Files that declare `o`; sub-options declared inline in a submodule have
  # none of their own (nixpkgs says <unknown-file>) and get their parent's.
  filesOf = inherited: o:
    let own = builtins.filter (f: f != "" && f != "<unknown-file>") (map relative (if o ? _file then [ o._file ] else o.declarations or [ ]));
    in if own == [ ] then inherited else own;

  entry = loc: files: o: {
    name = showLoc (o.loc or loc);
    type = (o.type or lib.types.unspecified).description;
    description = o.description or null;
    default = if o ? defaultText then show o.defaultText else if o ? default then show o.default else null;
    hasDefault = o ? defaultText || o ? default;
    defaultIsMarkdown = (o.defaultText._type or null) == "literalMD";
    example = if o ? example then show o.example else null;
    exampleIsMarkdown = (o.example._type or null) == "literalMD";
    readOnly = o.readOnly or false;
    declaredIn = files;
  };

  walk = loc: inherited: v:
    if isOption v then
      let files = filesOf inherited v; in
      (if (v.internal or false) || (v.visible or true) == false then [ ] else [ (entry loc files v) ])
      ++ walk (v.loc or loc) files ((v.type or lib.types.unspecified).getSubOptions (v.loc or loc))
    else if isAttrs v then concatMap (n: walk (loc ++ [ n ]) inherited v.${n}) (attrNames v)
    else [ ];
in
walk [ ] [ ] declared
