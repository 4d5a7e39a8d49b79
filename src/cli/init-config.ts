import { defaultPriority } from '../config/defaults.js';

/** An agent CLI found on this machine, as `init` writes it into the config. */
export interface InitAgent {
  id: string;
  version: string | null;
}

const list = (ids: readonly string[]): string => `[${ids.join(', ')}]`;

/** Reviewers in the implementers' order shifted by one, so the first implementer's work goes to another agent. */
function reviewOrder(ids: readonly string[]): string[] {
  return ids.length < 2 ? [...ids] : [...ids.slice(1), ids[0]!];
}

function agentBlock(agent: InitAgent, explained: boolean): string {
  const why = (text: string): string => (explained ? `    # ${text}\n` : '');
  const found = agent.version ? ` # found: ${agent.version}` : '';
  return (
    `  ${agent.id}:${found}\n` +
    why('Whether it may be used at all.') +
    '    enabled: true\n' +
    why('What it may do: implementation, review, or both.') +
    '    roles: [implementation, review]\n' +
    why('0-100; higher is preferred where the lists under `defaults` do not decide.') +
    `    priority: ${defaultPriority(agent.id)}\n` +
    why('Invocations of this agent at once (its rate limits are per account).') +
    '    max_concurrent: 1\n' +
    why('Wall-clock limit of one invocation, and of silence: some CLIs hang when their provider is down.') +
    '    timeout_seconds: 1800\n' +
    '    inactivity_timeout_seconds: 300\n' +
    why('Appended to its command line, e.g. a model choice: ["--model", "sonnet"].') +
    '    extra_args: []\n'
  );
}

function modeBlock(ids: readonly string[]): string {
  if (ids.length === 1) {
    return (
      '# Only one agent is installed: it reviews its own work, after a pause (fresh eyes, a fresh rate-limit\n' +
      '# window). Install a second agent and re-run `kitty-orchestrator init --force` for cross-agent review.\n' +
      `single_agent_mode:\n  enabled: true\n  agent: ${ids[0]}\n  delay_seconds: 60\n`
    );
  }
  return (
    '# Each WP is reviewed by a different agent than the one that implemented it. Single-agent mode (one agent\n' +
    '# implements and reviews) is for machines with one agent.\n' +
    'single_agent_mode:\n  enabled: false\n'
  );
}

/** The text of `.kittify/agents.yaml` for these agents (most preferred first), every setting explained. */
export function agentsYaml(agents: readonly InitAgent[]): string {
  const ids = agents.map((agent) => agent.id);
  return [
    '# kitty-orchestrator configuration, written by `kitty-orchestrator init` for the agent CLIs found on this',
    `# machine: ${ids.join(', ')}. Every key is optional; docs/configuration.md describes them all.`,
    'version: "1.0"',
    '',
    '# Who implements and who reviews, in order of preference.',
    'defaults:',
    `  implementation: ${list(ids)}`,
    `  review: ${list(reviewOrder(ids))}`,
    '',
    'agents:',
    agents.map((agent, index) => agentBlock(agent, index === 0)).join('\n') + modeBlock(ids),
    'fallback:',
    '  # After the retries: next_in_list (the next agent of the list), same_agent (keep retrying), or fail.',
    '  strategy: next_in_list',
    '  # Retries with the same agent first. Auth failures never retry; rate limits cool the agent down.',
    '  max_retries: 1',
    '',
    'global:',
    '  # WPs in flight at once: each runs its own agent process, and costs.',
    '  concurrency: 3',
    '  # Wall-clock limit of the whole run, in seconds; 0 means none.',
    '  timeout_seconds: 0',
    '',
    'review:',
    '  # Review rounds before a WP whose reviews keep asking for changes fails.',
    '  max_rounds: 3',
    '',
    '# Run in the WP worktree after implementing, as an argv list (no shell), e.g. ["npm", "test"]. When it fails,',
    '# the attempt counts as failed.',
    'verify_command: null',
    '',
  ].join('\n');
}

/** What a re-run changes in the agents: the ids added and removed, and a one-line summary. */
export function agentChanges(before: readonly string[], after: readonly string[]): string[] {
  const added = after.filter((id) => !before.includes(id));
  const removed = before.filter((id) => !after.includes(id));
  return [
    ...(added.length > 0 ? [`added ${added.join(', ')}`] : []),
    ...(removed.length > 0 ? [`removed ${removed.join(', ')} (not installed)`] : []),
  ];
}
