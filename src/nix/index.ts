// The public API of the Nix reader used by `nixsec audit`:
// - parse: source → syntax tree (ast.ts); throws only NixParseError, accepts
//   exactly what Nix 2.8 accepts (less variable resolution);
// - tokenize: the token stream of any input, never throws, for files that do
//   not parse;
// - showNix: the tree in `nix-instantiate --parse` format, used to test the
//   parser against Nix itself.
export { parse, NixParseError, type ParseOptions } from "./parser.js";
export { tokenize, type Token, type TokenKind, type TokenizeOptions } from "./lexer.js";
export { showNix, normalizeShowOrder, type ShowOptions } from "./show.js";
export { stringValue, attrPathNames, forEachChild, walk, LineMap } from "./ast.js";
export type {
  Span, Position, Node, BinaryOp,
  IntNode, FloatNode, StringNode, StringPart, LiteralPart, Interpolation, PathNode, SearchPathNode, UriNode, VarNode,
  AttrName, SelectNode, HasAttrNode, CallNode, Ident, Formal, Formals, LambdaNode,
  Binding, Inherit, BindingLike, LetNode, LegacyLetNode, AttrSetNode, ListNode, WithNode, AssertNode, IfNode, UnaryNode, BinaryNode,
} from "./ast.js";
