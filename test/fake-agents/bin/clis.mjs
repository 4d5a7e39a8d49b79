// Command-line surface of each fake agent CLI: the flags the real CLI accepts for the argv our invokers build
// (plus a few common extras such as --model), how it takes its prompt, its --version line, and how it rejects
// an unknown flag. Sources: /work/shared/design/agents.md (argv verified against the real CLIs) and their --help.

/**
 * @typedef {'stdin-or-arg' | 'stdin-and-arg' | 'arg'} PromptSource
 *   stdin-or-arg: positional prompt, else stdin; stdin-and-arg: stdin then the prompt flag/arg appended;
 *   arg: the prompt flag/positional only (stdin ignored).
 * @typedef {{ stdout?: string, stderr?: string, code: number }} Exit
 * @typedef {{ subcommand?: string, flags: Record<string, boolean>, promptFlag?: string, prompt: PromptSource,
 *   formatFlag?: string, oneShot?: string[], version: string, unknown: (flag: string) => Exit }} CliSpec
 *   flags: name -> whether it takes a value; aliases are listed as separate names. oneShot: one of these flags
 *   selects the headless mode (without it the real CLI would open its interactive UI).
 */

/** commander-style rejection (claude, auggie, cursor-agent). @param {string} flag @returns {Exit} */
const commanderUnknown = (flag) => ({ stderr: `error: unknown option '${flag}'\n`, code: 1 });

/** yargs-style rejection (gemini, qwen): usage, then the offending names without dashes. */
const yargsUnknown = (/** @type {string} */ bin) => (/** @type {string} */ flag) => ({
  stderr: `Usage: ${bin} [options] [command]\n\nUnknown arguments: ${flag.replace(/^-+/, '')}\n`,
  code: 1,
});

/** opencode and kilo print the usage of `run` and exit. */
const runUsage = (/** @type {string} */ bin) => () => ({
  stderr:
    `${bin} run [message..]\n\nrun ${bin} with a message\n\nPositionals:\n` +
    `  message  message to send                                   [array] [default: []]\n\n` +
    `Options:\n  -m, --model   model to use in the format of provider/model          [string]\n` +
    `      --format  format: default (formatted) or json (raw JSON events)  [string]\n`,
  code: 1,
});

const simpleUnknown = (/** @type {string} */ flag) => ({ stderr: `Unknown option: ${flag}\n`, code: 1 });

/** @param {string[]} names @param {boolean} takesValue */
const many = (names, takesValue) => Object.fromEntries(names.map((name) => [name, takesValue]));

/** @type {Record<string, CliSpec>} */
export const CLIS = {
  claude: {
    oneShot: ['-p', '--print'],
    flags: {
      ...many(['-p', '--print', '--dangerously-skip-permissions', '--verbose', '-c', '--continue'], false),
      ...many(
        ['--output-format', '--input-format', '--permission-mode', '--allowedTools', '--allowed-tools'],
        true,
      ),
      ...many(['--disallowedTools', '--model', '--max-turns', '--append-system-prompt', '--add-dir'], true),
      ...many(['--session-id', '--json-schema', '--fallback-model', '--settings'], true),
    },
    prompt: 'stdin-or-arg',
    formatFlag: '--output-format',
    version: '2.1.331 (Claude Code)',
    unknown: commanderUnknown,
  },
  codex: {
    subcommand: 'exec',
    flags: {
      ...many(
        ['--json', '--dangerously-bypass-approvals-and-sandbox', '--skip-git-repo-check', '--full-auto'],
        false,
      ),
      ...many(['--oss', '--ephemeral'], false),
      ...many(['--output-last-message', '-o', '--output-schema', '--sandbox', '-s', '--model', '-m'], true),
      ...many(['-C', '--cd', '-c', '--config', '--color', '--profile', '-p', '-i', '--image'], true),
    },
    prompt: 'stdin-or-arg',
    version: 'codex-cli 0.169.0',
    unknown: (flag) => ({
      stderr:
        `error: unexpected argument '${flag}' found\n\n  tip: to pass '${flag}' as a value, use '-- ${flag}'\n\n` +
        `Usage: codex exec [OPTIONS] [PROMPT] [COMMAND]\n\nFor more information, try '--help'.\n`,
      code: 2,
    }),
  },
  copilot: {
    oneShot: ['-p', '--prompt'],
    flags: {
      ...many(
        ['--allow-all-tools', '--allow-all', '--no-auto-update', '-s', '--silent', '--no-color'],
        false,
      ),
      ...many(['--no-custom-instructions'], false),
      ...many(
        ['-p', '--prompt', '--output-format', '--model', '--add-dir', '--allow-tool', '--deny-tool'],
        true,
      ),
      ...many(['--log-level', '--log-dir', '--agent'], true),
    },
    promptFlag: '-p',
    prompt: 'arg',
    formatFlag: '--output-format',
    version: '1.0.102',
    unknown: (flag) => ({
      stderr:
        `Invalid command format.\n\nDid you mean: copilot -i "${flag}"?\n\n` +
        `For non-interactive mode, use the -p or --prompt option.\nTry 'copilot --help' for more information.\n`,
      code: 1,
    }),
  },
  gemini: {
    flags: {
      ...many(['-y', '--yolo', '--skip-trust', '-d', '--debug', '-s', '--sandbox'], false),
      ...many(['-p', '--prompt', '-o', '--output-format', '--approval-mode', '-m', '--model'], true),
      ...many(['--include-directories'], true),
    },
    promptFlag: '-p',
    prompt: 'stdin-and-arg',
    formatFlag: '--output-format',
    version: '0.61.0',
    unknown: yargsUnknown('gemini'),
  },
  qwen: {
    flags: {
      ...many(['-y', '--yolo', '-d', '--debug'], false),
      ...many(['-p', '--prompt', '-o', '--output-format', '--approval-mode', '-m', '--model'], true),
      ...many(['--include-directories'], true),
    },
    promptFlag: '-p',
    prompt: 'stdin-and-arg',
    formatFlag: '--output-format',
    version: '0.24.4',
    unknown: yargsUnknown('qwen'),
  },
  opencode: {
    subcommand: 'run',
    flags: {
      ...many(['--auto', '-c', '--continue', '--share', '--print-logs'], false),
      ...many(['--format', '-m', '--model', '--agent', '-s', '--session', '-f', '--file'], true),
      ...many(['--log-level', '--title'], true),
    },
    prompt: 'stdin-or-arg',
    formatFlag: '--format',
    version: '1.18.33',
    unknown: runUsage('opencode'),
  },
  kilo: {
    subcommand: 'run',
    flags: {
      ...many(['--auto', '-c', '--continue', '--share', '--print-logs'], false),
      ...many(['--format', '-m', '--model', '--agent', '-s', '--session', '-f', '--file'], true),
      ...many(['--log-level', '--title'], true),
    },
    prompt: 'stdin-or-arg',
    formatFlag: '--format',
    version: '7.7.7',
    unknown: runUsage('kilo'),
  },
  auggie: {
    oneShot: ['--print', '-p'],
    flags: {
      ...many(['--print', '-p', '--quiet', '--compact'], false),
      ...many(['--output-format', '--max-turns', '--model', '--workspace-root', '--rules'], true),
    },
    prompt: 'stdin-or-arg',
    formatFlag: '--output-format',
    version: '0.36.0',
    unknown: commanderUnknown,
  },
  'cursor-agent': {
    oneShot: ['-p', '--print'],
    flags: {
      ...many(['-p', '--print', '-f', '--force', '--stream-partial-output'], false),
      ...many(['--output-format', '-m', '--model', '--api-key'], true),
    },
    prompt: 'arg',
    formatFlag: '--output-format',
    version: '2026.11.20-fake',
    unknown: commanderUnknown,
  },
  pi: {
    oneShot: ['-p', '--print'],
    flags: {
      ...many(['-p', '--print', '--no-session'], false),
      ...many(['--mode', '--model', '--provider', '--thinking', '--api-key', '--tools'], true),
    },
    prompt: 'stdin-and-arg',
    formatFlag: '--mode',
    version: '0.71.0',
    unknown: simpleUnknown,
  },
  letta: {
    oneShot: ['-p', '--print'],
    flags: {
      ...many(['-p', '--print', '--yolo', '--new'], false),
      ...many(['--output-format', '-m', '--model', '--agent', '--tools'], true),
    },
    prompt: 'arg',
    formatFlag: '--output-format',
    version: '0.25.9 (Letta Code)',
    unknown: simpleUnknown,
  },
};

/**
 * @typedef {{ flags: Map<string, string | true>, positionals: string[] }} ParsedArgs
 * @typedef {{ ok: true, args: ParsedArgs } | { ok: false, exit: Exit }} ParseResult
 */

/**
 * Parse argv the way the CLI does for our purposes: known flags only, `--flag=value` allowed.
 * @param {CliSpec} spec @param {string[]} argv @returns {ParseResult}
 */
export function parseCliArgs(spec, argv) {
  let rest = argv;
  if (spec.subcommand) {
    if (rest[0] !== spec.subcommand) {
      return {
        ok: false,
        exit: { stderr: `fake agent: only \`${spec.subcommand}\` is implemented\n`, code: 2 },
      };
    }
    rest = rest.slice(1);
  }
  /** @type {ParsedArgs} */
  const args = { flags: new Map(), positionals: [] };
  for (let i = 0; i < rest.length; i++) {
    const arg = /** @type {string} */ (rest[i]);
    if (arg === '--') {
      args.positionals.push(...rest.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      args.positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? splitOnce(arg) : [arg, undefined];
    const takesValue = spec.flags[name];
    if (takesValue === undefined) return { ok: false, exit: spec.unknown(name) };
    if (!takesValue) args.flags.set(name, true);
    else if (inline !== undefined) args.flags.set(name, inline);
    else if (i + 1 < rest.length) args.flags.set(name, /** @type {string} */ (rest[++i]));
    else return { ok: false, exit: { stderr: `error: option '${name}' argument missing\n`, code: 1 } };
  }
  return { ok: true, args };
}

/** @param {string} arg @returns {[string, string]} */
function splitOnce(arg) {
  const at = arg.indexOf('=');
  return [arg.slice(0, at), arg.slice(at + 1)];
}

/** The value of the first of `names` that was given. @param {ParsedArgs} args @param {string[]} names */
export function flagValue(args, ...names) {
  for (const name of names) {
    const value = args.flags.get(name);
    if (value !== undefined) return value;
  }
  return undefined;
}
