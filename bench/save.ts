/** `make bench-save`: the newest `make bench` run (.bench/latest.*) becomes the committed reference. */
import { saveReference } from "./lib/output.ts";

for (const file of saveReference()) console.log(`saved ${file}`);
console.log("review and commit it if it is the result bench/README.md should discuss");
