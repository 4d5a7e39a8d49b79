import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectAgents, findExecutable, parseVersion, runVersionCommand } from '../../src/agents/detect.js';
import { KittyError } from '../../src/errors.js';
import { KNOWN_AGENT_IDS, getInvoker } from '../../src/agents/registry.js';
import { agentConfig } from './helpers.js';

let root: string;
let bin: string;
let other: string;

/** Alive and not a zombie (an orphaned zombie may never be reaped in a container). */
async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function script(dir: string, name: string, body: string, mode = 0o755): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, mode);
  return file;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'kitty-detect-'));
  bin = path.join(root, 'bin');
  other = path.join(root, 'other');
  await mkdir(bin);
  await mkdir(other);
  await script(bin, 'claude', 'echo "2.1.331 (Claude Code)"');
  await script(bin, 'codex', 'echo "codex-cli 0.169.0"');
  await script(bin, 'kilocode', 'echo 7.7.7');
  await script(bin, 'gemini', 'echo 0.61.0', 0o644); // not executable: not installed
  await script(bin, 'qwen', 'PATH=/usr/bin:/bin; sleep 30; echo 0.24.4'); // hangs on --version
  await mkdir(path.join(bin, 'copilot')); // a directory is not a binary
  await script(other, 'my-claude', 'echo 9.9.9');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('detectAgents', () => {
  it('finds executables on PATH with their versions; skips missing, non-executable and directories; sim only when asked for', async () => {
    const found = await detectAgents({ env: { PATH: `${bin}${path.delimiter}` }, includeSim: true });
    expect(found.map((a) => a.id)).toEqual(['claude-code', 'codex', 'qwen', 'kilocode', 'sim']);
    expect(found[0]).toEqual({ id: 'claude-code', path: path.join(bin, 'claude'), version: '2.1.331' });
    expect(found.find((a) => a.id === 'codex')?.version).toBe('0.169.0');
    expect(found.find((a) => a.id === 'kilocode')).toEqual({
      id: 'kilocode',
      path: path.join(bin, 'kilocode'),
      version: '7.7.7',
    });
    // The hanging --version was killed: the agent is installed, its version unknown.
    expect(found.find((a) => a.id === 'qwen')?.version).toBeNull();
    expect(found.find((a) => a.id === 'sim')?.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('orders by configured priority, then preference; respects command overrides', async () => {
    const config = {
      agents: {
        codex: agentConfig({ priority: 90 }),
        'claude-code': agentConfig({ command: path.join(other, 'my-claude') }),
        sim: agentConfig({ priority: 10 }),
      },
    };
    const runVersion = (file: string): Promise<string | null> => Promise.resolve(`v-${path.basename(file)}`);
    const found = await detectAgents({ env: { PATH: bin }, config, runVersion, includeSim: true });
    expect(found.map((a) => a.id)).toEqual(['codex', 'claude-code', 'qwen', 'kilocode', 'sim']);
    expect(found[1]).toEqual({
      id: 'claude-code',
      path: path.join(other, 'my-claude'),
      version: 'v-my-claude',
    });
  });

  it('finds nothing on an empty PATH: the built-in sim agent is never counted unless asked for', async () => {
    expect(await detectAgents({ env: {} })).toEqual([]);
    expect((await detectAgents({ env: {}, includeSim: true })).map((a) => a.id)).toEqual(['sim']);
  });
});

describe('helpers', () => {
  it('runVersionCommand kills a --version that hangs, child and grandchildren', async () => {
    const pidFile = path.join(root, 'grandchild.pid');
    const hang = await script(root, 'hang', `sleep 30 & echo $! > ${pidFile}; sleep 30; echo 1.0.0`);
    await expect(
      runVersionCommand(hang, ['--version'], { PATH: process.env['PATH'] }, 300),
    ).resolves.toBeNull();
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    await expect.poll(() => isRunning(grandchild), { timeout: 5_000 }).toBe(false);
  });

  it('runVersionCommand reads stderr too and fails on a non-zero exit', async () => {
    const err = await script(root, 'err-version', 'echo "tool version 1.2" >&2');
    await expect(runVersionCommand(err, ['--version'], { PATH: process.env['PATH'] })).resolves.toBe('1.2');
    const bad = await script(root, 'bad-version', 'exit 3');
    await expect(runVersionCommand(bad, ['--version'], { PATH: process.env['PATH'] })).resolves.toBeNull();
  });

  it('findExecutable takes paths as given and skips empty PATH entries', async () => {
    await expect(findExecutable(path.join(bin, 'codex'), {})).resolves.toBe(path.join(bin, 'codex'));
    await expect(findExecutable('codex', { PATH: `${path.delimiter}${bin}` })).resolves.toBe(
      path.join(bin, 'codex'),
    );
    await expect(findExecutable('gemini', { PATH: bin })).resolves.toBeNull();
  });

  it('parseVersion pulls the number out of a version line', () => {
    expect(parseVersion('codex-cli 0.169.0\n')).toBe('0.169.0');
    expect(parseVersion('\n1.0.102-beta.3 (commit abc)')).toBe('1.0.102-beta.3');
    expect(parseVersion('nightly')).toBeNull();
    expect(parseVersion('  \n')).toBeNull();
  });
});

describe('registry', () => {
  it('knows every agent once and rejects unknown ids naming the known ones', () => {
    expect(KNOWN_AGENT_IDS).toEqual([
      'claude-code',
      'codex',
      'copilot',
      'gemini',
      'qwen',
      'opencode',
      'kilocode',
      'augment',
      'cursor',
      'pi',
      'letta',
      'sim',
    ]);
    expect(getInvoker('codex').id).toBe('codex');
    expect(() => getInvoker('chatgpt')).toThrow(KittyError);
    expect(() => getInvoker('chatgpt')).toThrow(/unknown agent "chatgpt"; known: claude-code, codex/);
  });
});
