// Convert a BibTeX file to CSL-JSON with citation-js; print records/s as JSON.
// Usage: node citation-js-bib.mjs records.bib out.json
import { readFileSync, writeFileSync } from "node:fs";
import { Cite } from "@citation-js/core";
import "@citation-js/plugin-bibtex";
import "@citation-js/plugin-csl";

const [input, output] = process.argv.slice(2);
const start = process.hrtime.bigint();
const cite = new Cite(readFileSync(input, "utf8"));
writeFileSync(output, cite.format("data"));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ records: cite.data.length, seconds }));
