import { access } from 'node:fs/promises';
import path from 'node:path';
import { findExecutable } from '../agents/detect.js';
import { KittyError } from '../errors.js';
import type { Feature } from '../feature/types.js';

import type { HostKind } from './kinds.js';

export type HostChoice = { kind: 'standalone'; why: string } | { kind: 'spec-kitty'; bin: string };

/**
 * Which host runs the feature. `auto` picks spec-kitty for a spec-kitty 3.x mission (its lanes live in
 * `status.events.jsonl` and its lane workspaces in `lanes.json`) when the `spec-kitty` CLI is found
 * (`SPEC_KITTY_BIN`, else PATH); anything else runs standalone. Asking for spec-kitty where it cannot work fails.
 */
export async function chooseHost(
  kind: HostKind,
  feature: Feature,
  env: NodeJS.ProcessEnv,
): Promise<HostChoice> {
  if (kind === 'standalone') return { kind, why: 'asked for' };
  const missing = await missingMissionFiles(feature);
  const bin = env.SPEC_KITTY_BIN ? env.SPEC_KITTY_BIN : await findExecutable('spec-kitty', env);
  if (missing.length === 0 && bin !== null) return { kind: 'spec-kitty', bin };
  const why =
    missing.length > 0
      ? `${feature.dir} is not a spec-kitty 3.x mission (no ${missing.join(', ')})`
      : 'the spec-kitty CLI was not found (set SPEC_KITTY_BIN or put spec-kitty on PATH)';
  if (kind === 'spec-kitty') {
    throw new KittyError('usage', `--host spec-kitty: ${why}; run with \`--host standalone\` instead`);
  }
  return { kind: 'standalone', why };
}

async function missingMissionFiles(feature: Feature): Promise<string[]> {
  const names = ['status.events.jsonl', 'lanes.json'];
  const present = await Promise.all(
    names.map((name) =>
      access(path.join(feature.dir, name)).then(
        () => true,
        () => false,
      ),
    ),
  );
  return names.filter((_, i) => !present[i]);
}
