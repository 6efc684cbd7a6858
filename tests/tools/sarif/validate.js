#!/usr/bin/env node
// Validates SARIF files against the SARIF 2.1.0 schemas that install.sh fetched, with ajv
// (all errors, formats checked). Usage: node validate.js FILE...; exit 0 when every file is
// valid against every schema, 1 otherwise (errors on stderr), 2 when the validator is not
// installed.
'use strict';
const fs = require('fs');
const path = require('path');

let Ajv, AjvDraft04, addFormats;
try {
  Ajv = require('ajv').default;
  AjvDraft04 = require('ajv-draft-04').default;
  addFormats = require('ajv-formats').default;
} catch (e) {
  console.error(`validate.js: run ${path.join(__dirname, 'install.sh')} first (${e.message})`);
  process.exit(2);
}

const schemaDir = path.join(__dirname, 'schemas');
const validators = [];
for (const name of ['sarif-schema-2.1.0.json', 'sarif-2.1.0-rtm.5.json']) {
  const file = path.join(schemaDir, name);
  if (!fs.existsSync(file)) {
    console.error(`validate.js: ${file} is missing; run install.sh`);
    process.exit(2);
  }
  const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  const draft04 = String(schema.$schema).includes('draft-04');
  // The rtm.5 schema's `language` pattern has a stray ']' that is an error in a Unicode regular
  // expression; without the 'u' flag it means what its authors meant.
  const options = { allErrors: true, strict: false, unicodeRegExp: false };
  const ajv = draft04 ? new AjvDraft04(options) : new Ajv(options);
  addFormats(ajv);
  validators.push({ name, validate: ajv.compile(schema) });
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node validate.js FILE...');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`${file}: not JSON: ${e.message}`);
    failed = true;
    continue;
  }
  for (const { name, validate } of validators) {
    if (validate(doc)) {
      console.log(`${file}: valid against ${name}`);
    } else {
      failed = true;
      for (const err of validate.errors) {
        console.error(`${file}: ${name}: ${err.instancePath || '/'} ${err.message} ${JSON.stringify(err.params)}`);
      }
    }
  }
}
process.exit(failed ? 1 : 0);
