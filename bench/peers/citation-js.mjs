// Convert a CSL-JSON file to BibTeX with citation-js; print records/s as JSON.
// Usage: node citation-js.mjs records.json out.bib
import { readFileSync, writeFileSync } from "node:fs";
import { Cite } from "@citation-js/core";
import "@citation-js/plugin-bibtex";
import "@citation-js/plugin-csl";

const [input, output] = process.argv.slice(2);
const start = process.hrtime.bigint();
const items = JSON.parse(readFileSync(input, "utf8"));
const bib = new Cite(items).format("bibtex");
writeFileSync(output, bib);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ records: items.length, seconds }));
