import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { detectAgents } from '../agents/detect.js';
import { AGENT_PREFERENCE, CONFIG_FILE } from '../config/defaults.js';
import { KittyError } from '../errors.js';
import { listFeatures } from '../feature/index.js';
import { agentChanges, agentsYaml, type InitAgent } from './init-config.js';
import { ACTION_REF, WORKFLOW_FILE, secretNames, workflowYaml } from './init-workflow.js';
import type { CliIO } from './io.js';
import { repoRoot } from './repo-root.js';

export interface InitFlags {
  repo: string;
  github?: boolean;
  force?: boolean;
  action?: string;
}

/** The installed agent CLIs `init` configures: never `sim`, which is for demos and tests and runs only when named. */
async function installedAgents(io: CliIO): Promise<InitAgent[]> {
  const found = (await detectAgents({ env: io.env })).filter((agent) => agent.id !== 'sim');
  if (found.length === 0) {
    const installable = AGENT_PREFERENCE.filter((id) => id !== 'sim').join(', ');
    throw new KittyError(
      'agent',
      `no agent CLI found on PATH: install and log in one of ${installable}, then run init again (\`kitty-orchestrator doctor\` shows what is found)`,
    );
  }
  return found.map(({ id, version }) => ({ id, version }));
}

/** The agents an existing config enables, or null when there is none (or it cannot be read). */
async function configuredAgents(file: string): Promise<string[] | null> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const agents = (parse(text) as { agents?: Record<string, { enabled?: boolean } | null> } | null)?.agents;
    return Object.entries(agents ?? {})
      .filter(([, agent]) => agent?.enabled !== false)
      .map(([id]) => id);
  } catch {
    return [];
  }
}

const exists = (file: string): Promise<boolean> =>
  readFile(file).then(
    () => true,
    () => false,
  );

/** `kitty-orchestrator init [--github]`: write the config (and a workflow) for the agents installed here. */
export async function runInit(io: CliIO, flags: InitFlags): Promise<void> {
  const repoDir = await repoRoot(io, flags.repo, { requireGit: true });
  const agents = await installedAgents(io);
  const ids = agents.map((agent) => agent.id);
  const features = await listFeatures(repoDir);
  const files: [string, string][] = [[CONFIG_FILE, agentsYaml(agents)]];
  if (flags.github) {
    files.push([WORKFLOW_FILE, workflowYaml(ids, features.at(-1) ?? '001', flags.action ?? ACTION_REF)]);
  }
  const before = await configuredAgents(path.join(repoDir, CONFIG_FILE));
  const changes = before === null ? [] : agentChanges(before, ids);
  const taken = [];
  for (const [file] of files) if (await exists(path.join(repoDir, file))) taken.push(file);
  if (taken.length > 0 && !flags.force) {
    const what =
      changes.length > 0 ? `the agents installed now differ: ${changes.join('; ')}` : 'no agent changed';
    throw new KittyError(
      'usage',
      `${taken.join(' and ')} already exists (${what}); run with --force to overwrite`,
    );
  }
  for (const [file, text] of files) {
    await mkdir(path.dirname(path.join(repoDir, file)), { recursive: true });
    await writeFile(path.join(repoDir, file), text);
  }
  io.stdout(summary(ids, before, changes, flags));
}

function summary(
  ids: readonly string[],
  before: string[] | null,
  changes: string[],
  flags: InitFlags,
): string {
  const mode =
    ids.length === 1
      ? 'single-agent mode (it reviews its own work after a pause)'
      : 'cross-agent review (each WP is reviewed by another agent than the one that implemented it)';
  const lines = [`Wrote ${CONFIG_FILE} for ${ids.join(', ')}: ${mode}.`];
  if (before !== null)
    lines.push(changes.length > 0 ? `Changed: ${changes.join('; ')}.` : 'No agent changed.');
  if (flags.github) {
    const secrets = secretNames(ids);
    lines.push(`Wrote ${WORKFLOW_FILE}.`);
    if (secrets.length > 0) lines.push(`Add these repository secrets: ${secrets.join(', ')}.`);
    if (!flags.action) lines.push(`Replace OWNER in its \`uses: ${ACTION_REF}\` (or pass --action <ref>).`);
  }
  lines.push(
    'Next: `kitty-orchestrator plan -f <feature>`, then `kitty-orchestrator orchestrate -f <feature>`.',
  );
  return `${lines.join('\n')}\n`;
}
