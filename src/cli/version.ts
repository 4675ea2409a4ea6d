// The version nixsec reports (--version, audit reports); kept apart from
// program.ts so commands can name it without loading commander.
export const VERSION = "0.1.0";
