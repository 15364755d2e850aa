// Test-only: validates a CycloneDX 1.5 JSON document against the official schema shipped in
// @cyclonedx/cyclonedx-library. Usage: node validate.js FILE... ; exit 1 on the first invalid.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv = require("ajv");
const addFormats = require("ajv-formats");

const schemas = path.join(__dirname, "node_modules/@cyclonedx/cyclonedx-library/res/schema");
const load = (name) => JSON.parse(fs.readFileSync(path.join(schemas, name), "utf8"));
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// Formats ajv-formats does not implement: accepted, as the schema's own tooling does.
ajv.addFormat("iri-reference", true);
ajv.addFormat("idn-email", true);
ajv.addSchema(load("spdx.SNAPSHOT.schema.json"), "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json");
ajv.addSchema(load("jsf-0.82.SNAPSHOT.schema.json"), "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json");
const validate = ajv.compile(load("bom-1.5.SNAPSHOT.schema.json"));

let failed = 0;
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!validate(doc)) {
    console.error(`${file}: invalid CycloneDX 1.5`);
    console.error(JSON.stringify(validate.errors.slice(0, 5), null, 2));
    failed++;
  } else {
    console.log(`${file}: valid CycloneDX 1.5 (${(doc.components || []).length} components)`);
  }
}
process.exit(failed ? 1 : 0);
