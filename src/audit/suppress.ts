// Inline suppression: `# nixsec:allow RULE[,RULE…] reason` on the finding's
// line, or alone on the line above (the gitleaks:allow model, but naming the
// rule so one comment cannot hide an unrelated leak). `*` allows every rule.

const MARK = /nixsec:allow[ \t]+([A-Za-z0-9_*,-]+)/;

/** Rule ids allowed per 1-based line; the line above counts only when it is a comment line. */
export class InlineAllows {
  private readonly byLine = new Map<number, Set<string>>();
  private readonly commentOnly = new Set<number>();

  constructor(text: string) {
    if (!text.includes("nixsec:allow")) return;
    const lines = text.split(/\r\n|\r|\n/);
    lines.forEach((l, i) => {
      const m = MARK.exec(l);
      if (!m) return;
      this.byLine.set(i + 1, new Set(m[1]!.split(",").filter((s) => s.length > 0)));
      if (/^\s*(?:#|\/\/|\/\*|;)/.test(l)) this.commentOnly.add(i + 1);
    });
  }

  allows(ruleId: string, line: number): boolean {
    const on = (l: number): boolean => {
      const s = this.byLine.get(l);
      return s !== undefined && (s.has(ruleId) || s.has("*"));
    };
    return on(line) || (this.commentOnly.has(line - 1) && on(line - 1));
  }
}
