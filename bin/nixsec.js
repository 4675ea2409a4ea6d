#!/usr/bin/env node
import { main } from "../dist/nixsec.js";
main();
