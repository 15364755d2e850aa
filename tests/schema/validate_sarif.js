// Test-only: validates SARIF logs against the official SARIF 2.1.0 (rtm.5) JSON schema, as
// shipped in @microsoft/jest-sarif. Usage: node validate_sarif.js FILE... ; exit 1 if any invalid.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv = require("ajv-draft-04");

const schema = JSON.parse(fs.readFileSync(
  path.join(__dirname, "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));
// The schema's `language` pattern is not valid with the u flag; SARIF's own tools use non-unicode regexps.
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
ajv.addFormat("uri", true);
ajv.addFormat("uri-reference", true);
ajv.addFormat("date-time", (s) => !Number.isNaN(Date.parse(s)));
const validate = ajv.compile(schema);

let failed = 0;
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!validate(doc)) {
    console.error(`${file}: invalid SARIF 2.1.0`);
    console.error(JSON.stringify(validate.errors.slice(0, 5), null, 2));
    failed++;
  } else {
    const results = doc.runs.reduce((n, r) => n + (r.results || []).length, 0);
    console.log(`${file}: valid SARIF 2.1.0 (${results} results)`);
  }
}
process.exit(failed ? 1 : 0);
