/**
 * The GitHub Actions workflow `init --github` writes: the action run on a labelled pull request or by hand, with
 * the agents' CLIs installed on the runner and their secrets passed in.
 */

/** How each agent CLI is installed on a runner and which secrets (environment variables) log it in. */
const AGENT_SETUP: Readonly<Record<string, { npm?: string; secrets: readonly string[] }>> = {
  'claude-code': { npm: '@anthropic-ai/claude-code', secrets: ['ANTHROPIC_API_KEY'] },
  codex: { npm: '@openai/codex', secrets: ['OPENAI_API_KEY'] },
  copilot: { npm: '@github/copilot', secrets: ['COPILOT_GITHUB_TOKEN'] },
  gemini: { npm: '@google/gemini-cli', secrets: ['GEMINI_API_KEY'] },
  qwen: { npm: '@qwen-code/qwen-code', secrets: ['OPENAI_API_KEY'] },
  opencode: { npm: 'opencode-ai', secrets: ['ANTHROPIC_API_KEY'] },
  kilocode: { npm: '@kilocode/cli', secrets: ['KILOCODE_API_KEY'] },
  augment: { npm: '@augmentcode/auggie', secrets: ['AUGMENT_SESSION_AUTH'] },
  cursor: { secrets: ['CURSOR_API_KEY'] },
  pi: { npm: '@mariozechner/pi-coding-agent', secrets: ['ANTHROPIC_API_KEY'] },
  letta: { npm: '@letta-ai/letta-code', secrets: ['LETTA_API_KEY'] },
};

/** Where the workflow is written, relative to the repository root. */
export const WORKFLOW_FILE = '.github/workflows/kitty-orchestrator.yml';

/** The action's reference in `uses:`; a fork or a pinned release replaces it. */
export const ACTION_REF = 'OWNER/kitty-orchestrator@v1';

/** The secrets the workflow passes to these agents, each once, in the agents' order. */
export function secretNames(ids: readonly string[]): string[] {
  return [...new Set(ids.flatMap((id) => AGENT_SETUP[id]?.secrets ?? []))];
}

function installStep(ids: readonly string[]): string[] {
  const packages = ids.flatMap((id) => AGENT_SETUP[id]?.npm ?? []);
  const lines = packages.length > 0 ? [`run: npm install --global ${packages.join(' ')}`] : ['run: "true"'];
  if (ids.includes('cursor')) lines.unshift('# cursor-agent is not on npm: add its installer here.');
  return ['      - name: Install the agent CLIs', ...lines.map((line) => `        ${line}`)];
}

/** The workflow's text for these agents, running `feature` unless started by hand with another. */
export function workflowYaml(ids: readonly string[], feature: string, action = ACTION_REF): string {
  const secrets = secretNames(ids);
  return [
    '# Runs a spec-kitty feature through the agents (written by `kitty-orchestrator init --github`): add the label',
    '# `kitty:run` to a pull request whose branch holds the planned feature, or start it by hand with its slug.',
    `# Repository secrets it needs (Settings > Secrets and variables > Actions): ${secrets.join(', ') || 'none'}.`,
    '# The agents run with their approvals and sandboxes off, on the runner. See docs/action.md.',
    'name: kitty-orchestrator',
    'on:',
    '  pull_request:',
    '    types: [labeled]',
    '  workflow_dispatch:',
    '    inputs:',
    '      feature:',
    '        description: Feature slug under kitty-specs/',
    '        required: true',
    `        default: ${JSON.stringify(feature)}`,
    '',
    'permissions:',
    '  contents: write # push the WP branches',
    '  pull-requests: write # the progress comment',
    '  issues: write # PR comments are issue comments',
    '  checks: write # the check run',
    '',
    '# One run per PR (or branch) at a time: two runs would drive the same feature.',
    'concurrency:',
    '  group: kitty-${{ github.event.pull_request.number || github.ref }}',
    '  cancel-in-progress: false',
    '',
    'jobs:',
    '  orchestrate:',
    "    if: github.event_name == 'workflow_dispatch' || github.event.label.name == 'kitty:run'",
    '    runs-on: ubuntu-latest',
    '    # Under the 6-hour limit, so a run that is cut off is still saved by the post step.',
    '    timeout-minutes: 340',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          # The PR branch itself: WPs branch off it (pull_request checks out a detached merge commit).',
    '          ref: ${{ github.head_ref || github.ref_name }}',
    '          fetch-depth: 0',
    '',
    '      - uses: actions/setup-node@v4',
    '        with:',
    '          node-version: 22',
    '',
    ...installStep(ids),
    '',
    '      - name: Run the feature',
    '        id: kitty',
    `        uses: ${action}`,
    ...(secrets.length > 0
      ? ['        env:', ...secrets.map((s) => `          ${s}: \${{ secrets.${s} }}`)]
      : []),
    '        with:',
    `          feature: \${{ inputs.feature || ${singleQuoted(feature)} }}`,
    `          agents: ${ids.join(', ')}`,
    '',
  ].join('\n');
}

/** A string literal of a GitHub Actions expression. */
const singleQuoted = (text: string): string => `'${text.replace(/'/g, "''")}'`;
