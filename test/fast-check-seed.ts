// Every property test of a run draws from the seed test/global-setup.ts
// printed (FC_SEED), unless it passes its own; fast-check also prints the
// seed and the shrunk counterexample when a property fails.
import fc from "fast-check";

const seed = Number(process.env.FC_SEED);
if (Number.isInteger(seed)) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
