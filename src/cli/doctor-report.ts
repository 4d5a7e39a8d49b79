import path from 'node:path';
import PQueue from 'p-queue';
import pc from 'picocolors';
import { detectAgents } from '../agents/detect.js';
import { findSimScript, packageVersion } from '../agents/sim.js';
import { KNOWN_AGENT_IDS, getInvoker } from '../agents/registry.js';
import type { AgentInvoker, DetectedAgent, PromptDelivery } from '../agents/types.js';
import { CONFIG_FILE, readRawConfig, validateConfig } from '../config/index.js';
import { ROLES, agentSchema, type AgentConfig, type Role } from '../config/schema.js';
import { errorMessage, isKittyError } from '../errors.js';
import { createProcessRunner } from '../executor/run-process.js';
import type { CliIO } from './io.js';
import {
  DEFAULT_PROBE_INACTIVITY_MS,
  DEFAULT_PROBE_WALL_MS,
  probeAgent,
  type ProbeReport,
  type ProbeSettings,
} from './doctor-probe.js';
import { toJsonOutput } from '../report/json-keys.js';

/** How one role would be run: the exact argv and where the prompt goes (`error`: the invoker refused). */
export interface DoctorRoleView {
  argv: string[];
  /** Variables the invocation adds to the environment (claude's IS_SANDBOX=1): the argv alone may not run. */
  env: Record<string, string>;
  prompt_delivery: PromptDelivery | null;
  error?: string;
  /** Only with --probe, only for installed agents. */
  probe?: ProbeReport;
}

export interface DoctorAgentView {
  id: string;
  /** A real agent CLI found on this machine; never the built-in sim agent. */
  installed: boolean;
  /** The built-in sim agent: a demo and test double that runs only when the config or a flag names it. */
  built_in: boolean;
  path: string | null;
  version: string | null;
  roles: Record<Role, DoctorRoleView>;
  /** Only with --probe, only for installed agents: the first role that is not usable, else implementation's. */
  probe?: ProbeReport;
}

/** What `doctor --json` prints: a stable, snake_case contract for scripts. */
export interface DoctorView {
  agents: DoctorAgentView[];
}

const SIM_ID = 'sim';

/** Stand-ins for the per-attempt values, so the argv shows where each goes. */
const PLACEHOLDERS = { prompt: '<prompt>', cwd: '<worktree>', scratchDir: '<scratch>' } as const;
/** Probes run a few at a time: each is a whole agent CLI starting up. */
const PROBE_CONCURRENCY = 4;

/** Each known agent's config: from `.kittify/agents.yaml` when it defines the agent, else the defaults. */
async function agentConfigs(io: CliIO, repoDir: string): Promise<Record<string, AgentConfig>> {
  let configured: Record<string, AgentConfig> = {};
  try {
    const raw = await readRawConfig(repoDir);
    if (raw !== null) configured = validateConfig(raw, {}, CONFIG_FILE).agents;
  } catch (error) {
    // A broken config must not hide which agents work: say so and show the defaults.
    if (!isKittyError(error)) throw error;
    io.stderr(`warning: ${errorMessage(error)}; showing each agent's defaults\n`);
  }
  return Object.fromEntries(KNOWN_AGENT_IDS.map((id) => [id, configured[id] ?? agentSchema.parse({})]));
}

function roleView(invoker: AgentInvoker, role: Role, agent: AgentConfig): DoctorRoleView {
  try {
    const invocation = invoker.buildInvocation({ role, agent, ...PLACEHOLDERS });
    return { argv: invocation.argv, env: invocation.env, prompt_delivery: invocation.promptDelivery };
  } catch (error) {
    return { argv: [], env: {}, prompt_delivery: null, error: errorMessage(error) };
  }
}

function agentView(id: string, agent: AgentConfig, detected: DetectedAgent | undefined): DoctorAgentView {
  const invoker = getInvoker(id);
  const roles = Object.fromEntries(ROLES.map((role) => [role, roleView(invoker, role, agent)])) as Record<
    Role,
    DoctorRoleView
  >;
  const builtIn = id === SIM_ID;
  return {
    id,
    installed: detected !== undefined,
    built_in: builtIn,
    path: builtIn ? findSimScript() : (detected?.path ?? null),
    version: builtIn ? packageVersion() : (detected?.version ?? null),
    roles,
  };
}

/**
 * Probe both roles of every installed agent (and the built-in sim), a few at a time; each report lands on its
 * role's view.
 */
async function probeAll(
  views: DoctorAgentView[],
  configs: Record<string, AgentConfig>,
  settings: ProbeSettings,
) {
  const queue = new PQueue({ concurrency: PROBE_CONCURRENCY });
  const probed = views.filter((view) => view.installed || view.built_in);
  await Promise.all(
    probed.flatMap((view) =>
      ROLES.filter((role) => !view.roles[role].error).map((role) =>
        queue.add(async () => {
          const agent = configs[view.id] ?? agentSchema.parse({});
          view.roles[role].probe = await probeAgent(getInvoker(view.id), agent, role, settings);
        }),
      ),
    ),
  );
  for (const view of probed) view.probe = overallProbe(view);
}

/** The agent's verdict: the first role whose probe is not usable, else the implementation's. */
function overallProbe(view: DoctorAgentView): ProbeReport | undefined {
  const reports = ROLES.map((role) => view.roles[role].probe).filter((p): p is ProbeReport => !!p);
  return reports.find((p) => p.status !== 'usable') ?? reports[0];
}

export interface DoctorOptions {
  repoDir: string;
  /** Null: no probes. */
  probe: ProbeSettings | null;
}

/** The doctor's findings for every known agent, in registry order. */
export async function doctorView(io: CliIO, options: DoctorOptions): Promise<DoctorView> {
  const configs = await agentConfigs(io, options.repoDir);
  const detected = await detectAgents({ env: io.env, config: { agents: configs } });
  const byId = new Map(detected.map((agent) => [agent.id, agent]));
  const views = KNOWN_AGENT_IDS.map((id) =>
    agentView(id, configs[id] ?? agentSchema.parse({}), byId.get(id)),
  );
  if (options.probe) await probeAll(views, configs, options.probe);
  return { agents: views };
}

type Colors = ReturnType<typeof pc.createColors>;
const ARG_DISPLAY_MAX = 72;

const SAFE_ARG = /^[\w@%+=:,./-]+$/;
/** `<prompt>`, `<scratch>/prompt.md`: placeholders read better unquoted. */
const PLACEHOLDER_ARG = /^<\w+>[\w@%+=:,./-]*$/;

/** One table-friendly line per argument: multi-line ones (a prompt with review instructions) and very long ones
 * (inline JSON schemas) are cut. */
function displayArg(arg: string): string {
  const lines = arg.split('\n');
  const first = lines.length > 1 ? `${lines[0] ?? ''} …(+${lines.length - 1} lines)` : arg;
  return first.length > ARG_DISPLAY_MAX ? `${first.slice(0, ARG_DISPLAY_MAX - 1)}…` : first;
}

/** An argv as a shell would read it, each argument cut to fit the table (see displayArg). */
export function shellQuote(argv: readonly string[]): string {
  return argv
    .map(displayArg)
    .map((arg) => (SAFE_ARG.test(arg) || PLACEHOLDER_ARG.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

function probeLine(probe: ProbeReport, c: Colors): string {
  const label = probe.status.replace(/_/g, ' ');
  return `${probe.status === 'usable' ? c.green(label) : c.red(label)}: ${probe.detail}`;
}

function renderAgent(view: DoctorAgentView, c: Colors, idWidth: number): string[] {
  const state = view.built_in
    ? `${c.cyan('built-in')}  demo/test agent, used only when named  ${view.path ?? ''}`
    : view.installed
      ? `${c.green('installed')}  ${view.version ?? 'version unknown'}  ${view.path ?? ''}`
      : c.dim('not installed');
  const lines = [`${c.bold(view.id.padEnd(idWidth))}  ${state}`];
  for (const role of ROLES) {
    const r = view.roles[role];
    const env = Object.entries(r.env).map(([key, value]) => `${key}=${shellQuote([value])} `);
    const how = r.error
      ? c.red(`cannot build: ${r.error}`)
      : `${env.join('')}${shellQuote(r.argv)}  ${c.dim(`(prompt: ${r.prompt_delivery})`)}`;
    lines.push(`  ${role.padEnd(15)} ${how}`);
    if (r.probe) lines.push(`  ${''.padEnd(15)} probe: ${probeLine(r.probe, c)}`);
  }
  return lines;
}

/** The human report: one block per agent, then a one-line tally. */
export function renderDoctor(view: DoctorView, color: boolean): string {
  const c = pc.createColors(color);
  const idWidth = Math.max(...view.agents.map((agent) => agent.id.length));
  const installed = view.agents.filter((agent) => agent.installed).length;
  const real = view.agents.filter((agent) => !agent.built_in).length;
  const blocks = view.agents.map((agent) => renderAgent(agent, c, idWidth).join('\n'));
  const probed = view.agents.filter((agent) => agent.probe);
  const usable = probed.filter((agent) => agent.probe?.status === 'usable').length;
  const tally = `${installed} of ${real} agent CLIs installed${probed.length > 0 ? `, ${usable} of ${probed.length} usable` : ''}.`;
  return `${blocks.join('\n\n')}\n\n${tally} Long arguments are cut here; --json shows the full argv.\n`;
}

export interface DoctorFlags {
  json?: boolean;
  probe?: boolean;
  repo: string;
  probeTimeout?: number;
}

/** The `doctor` command's work: list (and maybe probe) the agents, print, and exit 1 if a probe failed. */
export async function runDoctor(
  io: CliIO,
  flags: DoctorFlags,
  setExitCode: (code: number) => void,
): Promise<void> {
  const wallMs = flags.probeTimeout ? flags.probeTimeout * 1000 : DEFAULT_PROBE_WALL_MS;
  const probe = flags.probe
    ? {
        runProcess: createProcessRunner({ baseEnv: io.env }),
        wallTimeoutMs: wallMs,
        inactivityTimeoutMs: Math.min(DEFAULT_PROBE_INACTIVITY_MS, wallMs),
      }
    : null;
  const view = await doctorView(io, { repoDir: path.resolve(io.cwd, flags.repo), probe });
  if (flags.json) io.stdout(`${toJsonOutput(view)}\n`);
  else io.stdout(renderDoctor(view, io.isTTY && !io.env.NO_COLOR));
  if (view.agents.some((agent) => agent.probe && agent.probe.status !== 'usable')) setExitCode(1);
}
