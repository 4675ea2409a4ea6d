// Catalogue row 14: Slack bot/user tokens and incoming webhooks.
import type { Rule } from "../rule.js";
import { fake } from "./fake.js";

export const slackToken: Rule = {
  id: "slack-token",
  severity: "high",
  title: "Slack token or webhook",
  description: "A Slack token (xoxb-, xoxp-, xapp-) or incoming-webhook URL. In a Nix string it is in git and in the store wherever it is used.",
  hint: "nixsec add {secret} --host HOST --stdin, then nixsec wire {secret} {wire}; {rotate} (revoke it in Slack if so)",
  catalogue: [14],
  matcher: {
    on: "text",
    keywords: ["xox", "xapp-", "hooks.slack.com"],
    pattern: /\bxox[abposr]-[0-9A-Za-z-]{10,}|\bxapp-\d-[0-9A-Za-z-]{10,}|https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9+/_-]{20,}/g,
  },
  examples: {
    leaks: [
      `{ services.alertmanager.configuration.receivers = [ { slack_configs = [ { api_url = "${fake.slackWebhook("ex1")}"; } ]; } ]; }`,
      `{ systemd.services.bot.environment.SLACK_TOKEN = "${fake.slack("ex2")}"; }`,
    ],
    safe: [`{ services.alertmanager.configuration.receivers = [ { slack_configs = [ { api_url_file = "/run/secrets/slack"; } ]; } ]; x = "xoxb-"; }`],
  },
};
