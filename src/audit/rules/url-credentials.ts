// Catalogue rows 3 and 14: a password inside a URL (postgres://user:pw@host).
import type { Rule } from "../rule.js";

export const urlCredentials: Rule = {
  id: "url-credentials",
  severity: "high",
  title: "password in a URL",
  description: "A URL with a password in its user-info (scheme://user:password@host). It is rendered into config files and units in the store, and is in git.",
  hint: "nixsec add {secret} --host HOST --stdin, then give the service the password as a file (nixsec wire {secret} {wire}) or the whole URL from a template: " +
    "nixsec template add NAME --host HOST --stdin <<< 'URL=https://user:{{ nixsec:{secret} }}@host/' and nixsec wire NAME --environment-file UNIT; {rotate}",
  catalogue: [3, 14],
  matcher: {
    on: "text",
    keywords: ["://"],
    pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@'"`$<>{}]{0,64}:([^\s/@'"`<>]{3,128})@[A-Za-z0-9.[\]-]/gi,
    secretGroup: 1,
    // run-time substitutions, masks, and documentation words (`https://user:TOKEN@host`)
    allow: [/^\$/, /^\$\{/, /^@[A-Za-z0-9_]+@$/, /^%[a-z(]/, /^\*+$/, /^x+$/i, /^(?:password|pass|passwd|secret|pw|changeme)$/i, /^[A-Z][A-Z_]*$/],
  },
  // Passwords are spliced in (`${"…"}`) so this source file holds no URL with a password in it.
  examples: {
    leaks: [
      `{ services.grafana.settings.database.url = "postgres://grafana:${"Wobble-Kettle-71"}@db.lan/grafana"; }`,
      `{ systemd.services.app.environment.DATABASE_URL = "mysql://app:${"s3cr3tP4ss"}@127.0.0.1/app"; }`,
    ],
    safe: [
      `{ services.app.databaseUrl = "postgres://app@localhost/app"; }`,
      `{ x = "postgresql://app:${"\\$"}{DB_PASSWORD}@db/app"; y = "https://example.org:8443/path"; z = "ssh://git@github.com/a/b"; }`,
      `{ x = "redis://:@REDIS_PASSWORD@@localhost:6379"; y = "https://oauth2:TOKEN@gitlab.example/x.git"; }`,
    ],
  },
};
