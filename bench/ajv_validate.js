// The peer comparison for bench/validate.sh: the same schema and the same generated plans
// through js-yaml + Ajv, the usual JavaScript way to check YAML against a JSON Schema.
// It does less than adrestore (no input guard, no positions, no semantic rules), so it is a
// floor to compare with, not a like-for-like race.
//
//   node ajv_validate.js SCHEMA PLANS_DIR [ROUNDS]   cost per plan in one process
//   node ajv_validate.js SCHEMA --one PLAN            validate one plan (for per-process timing)
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const yaml = require('js-yaml');

function micros(start) {
  return Number(process.hrtime.bigint() - start) / 1000;
}

function main(argv) {
  const [schemaPath, dirOrFlag, arg] = argv;
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  const compileStart = process.hrtime.bigint();
  // strict: false because the schema carries its own x-expected annotations.
  const ajv = new Ajv({strict: false, allErrors: true});
  const validate = ajv.compile(schema);
  const compileUs = micros(compileStart);

  if (dirOrFlag === '--one') {
    const ok = validate(yaml.load(fs.readFileSync(arg, 'utf8')));
    process.exit(ok ? 0 : 1);
  }

  const rounds = Number(arg || 7);
  const files = fs.readdirSync(dirOrFlag).filter((f) => f.endsWith('.yaml')).sort();
  const texts = files.map((f) => fs.readFileSync(path.join(dirOrFlag, f), 'utf8'));
  const perPlan = [];
  let errors = 0;
  for (let r = 0; r < rounds; ++r) {
    errors = 0;
    const start = process.hrtime.bigint();
    for (const t of texts) {
      if (!validate(yaml.load(t))) errors += validate.errors.length;
    }
    perPlan.push(micros(start) / texts.length);
  }
  perPlan.sort((a, b) => a - b);
  console.log(`ajv ${require('ajv/package.json').version} + js-yaml ${require('js-yaml/package.json').version}, ` +
              `node ${process.version}: ${texts.length} plans, ${rounds} rounds, ${errors} errors`);
  console.log(`  per plan: median ${perPlan[Math.floor(rounds / 2)].toFixed(1)} us, ` +
              `best ${perPlan[0].toFixed(1)} us, worst ${perPlan[rounds - 1].toFixed(1)} us`);
  console.log(`  schema compile: ${compileUs.toFixed(0)} us`);
}

main(process.argv.slice(2));
