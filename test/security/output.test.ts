import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/program.js';
import { runProcess } from '../../src/executor/run-process.js';
import { forRunnerLog, neutralise } from '../../src/neutralise.js';
import { captureIO } from '../helpers/cli-io.js';
import { securityRepo, tempDir } from './repo.js';

const ESC = '\u001b';

async function run(script: string, extra: { maxLogBytes?: number; maxLineChars?: number } = {}) {
  const dir = await tempDir('kitty-output-');
  const logFile = path.join(dir, 'agent.log');
  const lines: string[] = [];
  const outcome = await runProcess({
    argv: [process.execPath, '-e', script],
    cwd: dir,
    wallTimeoutMs: 60_000,
    inactivityTimeoutMs: 60_000,
    logFile,
    onLine: (line) => lines.push(line),
    ...extra,
  });
  return { outcome, lines, log: await readFile(logFile, 'utf8') };
}

describe('control characters from agents and WP files', () => {
  it('an agent cannot forge a workflow command or drive the terminal: placeholders in log and live lines', async () => {
    const forged = `progress 50%\\r::warning title=Forged::owned\\n${'\\u001b'}]0;pwned${'\\u0007'}${'\\u001b'}[31mred${'\\u001b'}[0m\\n`;
    const { lines, log } = await run(`process.stdout.write("${forged}")`);
    expect(lines).toEqual(['progress 50%␍::warning title=Forged::owned', '␛]0;pwned␇␛[31mred␛[0m']);
    for (const raw of ['\r', ESC, '\u0007']) expect(log).not.toContain(raw);
    // In the runner log the line carries its WP prefix, and no `\r` can start a new line before `::`.
    expect(forRunnerLog(`[WP01] ${lines[0]}`)).not.toMatch(/\r|^::/m);
    expect(forRunnerLog('::error::x\n  ::set-output name=a::b')).toBe(
      ': :error::x\n  : :set-output name=a::b',
    );
  });

  it('neutralises WP titles from files before plan and status print them', async () => {
    const title = `Evil ${ESC}]0;owned${'\u0007'}${ESC}[2J title`;
    const repo = await securityRepo({ slug: '001-titles', wps: [{ id: 'WP01', title, subtasks: ['T001'] }] });
    const io = captureIO(repo, {});
    expect(await runCli(['plan', '--feature', '001-titles'], io)).toBe(0);
    expect(io.out()).not.toContain(ESC);
    expect(io.out()).toContain('␛]0;owned');
    expect(neutralise('a\u202eb\u009bc', { singleLine: true })).toBe('a<U+202E>b<U+009B>c');
  });
});

describe('output caps per attempt', () => {
  it('caps the log with a note and keeps parsing the tail, whatever the agent prints', async () => {
    const script = `for (let i = 0; i < 2000; i++) console.log('x'.repeat(1000)); console.log('{"done":true}');`;
    const { outcome, log, lines } = await run(script, { maxLogBytes: 100_000 });
    expect(Buffer.byteLength(log)).toBeLessThan(101_000 + 1_000);
    expect(log).toMatch(/log cap of 100000 bytes reached/);
    expect(log).toMatch(/output past the log cap was not logged/);
    expect(lines.length).toBeLessThan(101);
    // The verdict and usage at the end still reach the parser.
    expect(outcome.stdout.trimEnd().endsWith('{"done":true}')).toBe(true);
  });

  it('cuts a line without newlines at the cap with a note, holding only the cap in memory', async () => {
    // 20 MB with no newline, in chunks.
    const script = `const c = 'y'.repeat(1 << 20); let n = 0; const w = () => { while (n < 20) { n++; if (!process.stdout.write(c)) return process.stdout.once('drain', w); } }; w();`;
    const { lines, log } = await run(script, { maxLineChars: 1000, maxLogBytes: 1 << 30 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^y{1000} \[kitty-orchestrator: line cut at 1000 characters, 20970520 more dropped\]$/,
    );
    expect(log.length).toBeLessThan(5_000);
  });
});
