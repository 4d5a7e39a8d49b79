/** Writes schemas/<output>.schema.json from scripts/output-schemas.ts; the test fails when they drift. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUTPUT_SCHEMAS, jsonSchema } from './output-schemas.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
await mkdir(dir, { recursive: true });
for (const name of Object.keys(OUTPUT_SCHEMAS) as (keyof typeof OUTPUT_SCHEMAS)[]) {
  await writeFile(path.join(dir, `${name}.schema.json`), `${JSON.stringify(jsonSchema(name), null, 2)}\n`);
}
console.log(`wrote ${Object.keys(OUTPUT_SCHEMAS).length} schemas to ${dir}`);
