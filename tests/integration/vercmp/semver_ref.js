// Reference for the npm scheme: node's `semver` package (strict parsing, as npm uses it).
// Reads "A<TAB>B" lines from argv[2], prints -1, 0, 1, or x when a side is not a version.
const fs = require("fs");
const semver = require("semver");
const out = [];
for (const line of fs.readFileSync(process.argv[2], "utf8").split("\n")) {
  if (line === "") continue;
  const [a, b] = line.split("\t");
  out.push(semver.valid(a) === null || semver.valid(b) === null ? "x" : String(semver.compare(a, b)));
}
process.stdout.write(out.join("\n") + "\n");
