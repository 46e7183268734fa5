// Validates an AsyncAPI document with @asyncapi/parser: prints every diagnostic and exits 1
// when the document has an error (an unresolved $ref, a wrong keyword, a bad schema...).
//   node tools/node/validate-asyncapi.cjs docs/asyncapi.yaml    (NODE_PATH=.cache/node/node_modules)
'use strict';
const { Parser, fromFile } = require('@asyncapi/parser');

const SEVERITY = ['error', 'warning', 'info', 'hint'];

(async () => {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: validate-asyncapi.cjs <asyncapi document>');
    process.exit(2);
  }
  const { document, diagnostics } = await fromFile(new Parser(), path).parse();
  for (const d of diagnostics) {
    console.log(`${SEVERITY[d.severity] || d.severity} ${d.code} at ${JSON.stringify(d.path)}: ${d.message}`);
  }
  const errors = diagnostics.filter((d) => d.severity === 0).length;
  console.log(document && errors === 0 ? 'valid' : `invalid: ${errors} error(s)`);
  process.exit(document && errors === 0 ? 0 : 1);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
