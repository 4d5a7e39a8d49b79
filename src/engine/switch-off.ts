/**
 * The message when an agent's CLI rejects the arguments we give it (error class `usage`): it names the agent,
 * the CLI and its version, and the rejected text, so a user sees at once that a CLI update changed its flags.
 * The version is read through the process port with the same parser `doctor` uses.
 */
import { getInvoker } from '../agents/registry.js';
import type { AgentResult } from '../agents/types.js';
import { parseVersion, VERSION_TIMEOUT_MS } from '../agents/version.js';
import type { AgentConfig } from '../config/schema.js';
import type { ProcessRunner } from '../executor/types.js';

async function cliVersion(runProcess: ProcessRunner, argv: string[], cwd: string): Promise<string | null> {
  try {
    const out = await runProcess({
      argv,
      cwd,
      stdin: null,
      wallTimeoutMs: VERSION_TIMEOUT_MS,
      inactivityTimeoutMs: VERSION_TIMEOUT_MS,
      killGraceMs: 1_000,
    });
    return out.exitCode === 0 ? parseVersion(out.stdout, out.stderr) : null;
  } catch {
    return null;
  }
}

/** "codex (codex 0.171.0) rejected its arguments (…); switched off for this run. …" */
export async function usageMessage(
  runProcess: ProcessRunner,
  agent: string,
  config: AgentConfig,
  cwd: string,
  result: AgentResult,
): Promise<string> {
  const invoker = getInvoker(agent);
  const command = config.command ?? invoker.binaries[0] ?? agent;
  const version = await cliVersion(runProcess, [command, ...invoker.versionArgs], cwd);
  return (
    `${agent} (${command} ${version ?? 'version unknown'}) rejected its arguments: ${result.summary}. ` +
    `It is switched off for this run. Check agents.${agent}.extra_args in .kittify/agents.yaml, or use the ` +
    `CLI version docs/agents.md lists (\`kitty-orchestrator doctor --probe\` checks the argv).`
  );
}
