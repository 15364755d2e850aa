// Test-only: checks an SPDX 2.3 JSON document for what the SPDX 2.3 specification requires of
// the fields portcullis writes (no npm package ships the official SPDX JSON schema; these are
// the schema's required properties, patterns and cross-references, checked by hand).
"use strict";
const fs = require("fs");

function check(doc) {
  const errors = [];
  const need = (cond, what) => { if (!cond) errors.push(what); };
  need(doc.spdxVersion === "SPDX-2.3", "spdxVersion must be SPDX-2.3");
  need(doc.dataLicense === "CC0-1.0", "dataLicense must be CC0-1.0");
  need(doc.SPDXID === "SPDXRef-DOCUMENT", "SPDXID must be SPDXRef-DOCUMENT");
  need(typeof doc.name === "string" && doc.name.length > 0, "name is required");
  need(/^[a-z][a-z0-9+.-]*:\/\/[^#\s]+$/.test(doc.documentNamespace || ""), "documentNamespace must be a URI without #");
  const ci = doc.creationInfo || {};
  need(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(ci.created || ""), "creationInfo.created must be YYYY-MM-DDThh:mm:ssZ");
  need(Array.isArray(ci.creators) && ci.creators.length > 0 &&
       ci.creators.every((c) => /^(Tool|Organization|Person): .+/.test(c)), "creationInfo.creators");
  const ids = new Set(["SPDXRef-DOCUMENT"]);
  for (const [i, p] of (doc.packages || []).entries()) {
    need(/^SPDXRef-[A-Za-z0-9.-]+$/.test(p.SPDXID || ""), `packages[${i}].SPDXID`);
    need(!ids.has(p.SPDXID), `packages[${i}].SPDXID is not unique`);
    ids.add(p.SPDXID);
    need(typeof p.name === "string" && p.name.length > 0, `packages[${i}].name`);
    need(typeof p.downloadLocation === "string", `packages[${i}].downloadLocation`);
    for (const ref of p.externalRefs || []) {
      need(["SECURITY", "PACKAGE-MANAGER", "PERSISTENT-ID", "OTHER"].includes(ref.referenceCategory),
           `packages[${i}].externalRefs.referenceCategory`);
      if (ref.referenceType === "purl") need(/^pkg:[a-z]+\/.+@.+/.test(ref.referenceLocator), `packages[${i}] purl`);
    }
  }
  for (const [i, r] of (doc.relationships || []).entries()) {
    need(ids.has(r.spdxElementId), `relationships[${i}].spdxElementId ${r.spdxElementId} is unknown`);
    need(ids.has(r.relatedSpdxElement), `relationships[${i}].relatedSpdxElement ${r.relatedSpdxElement} is unknown`);
    need(/^[A-Z_]+$/.test(r.relationshipType || ""), `relationships[${i}].relationshipType`);
  }
  need((doc.relationships || []).some((r) => r.relationshipType === "DESCRIBES" && r.spdxElementId === "SPDXRef-DOCUMENT"),
       "the document must DESCRIBE a package");
  return errors;
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  const errors = check(JSON.parse(fs.readFileSync(file, "utf8")));
  if (errors.length) {
    console.error(`${file}: invalid SPDX 2.3: ${errors.slice(0, 5).join("; ")}`);
    failed++;
  } else {
    console.log(`${file}: valid SPDX 2.3`);
  }
}
process.exit(failed ? 1 : 0);
