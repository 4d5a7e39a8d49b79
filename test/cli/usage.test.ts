import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from '../helpers/cli-io.js';
import { useTempDirs } from '../helpers/feature-fixtures.js';

const tempDir = useTempDirs();

describe('CLI usage', () => {
  it('marks --feature as required in the help of the commands that need it', async () => {
    for (const command of ['orchestrate', 'resume', 'abort', 'plan']) {
      const io = captureIO(process.cwd());
      expect(await runCli([command, '--help'], io)).toBe(0);
      expect(io.out()).toMatch(/-f, --feature <slug\|dir> .*\(required\)/);
    }
    const status = captureIO(process.cwd());
    await runCli(['status', '--help'], status);
    expect(status.out()).not.toContain('(required)');
  });

  it('demo --dir refuses a directory that is not empty, and leaves it as it was', async () => {
    const repo = await tempDir();
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
    await writeFile(path.join(repo, 'README.md'), '# mine\n');
    const io = captureIO(process.cwd());
    expect(await runCli(['demo', '--dir', repo], io)).toBe(2);
    expect(io.err()).toContain(`--dir ${repo} is not empty`);
    expect(await readFile(path.join(repo, 'README.md'), 'utf8')).toBe('# mine\n');
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' })).toBe(
      '?? README.md\n',
    );
  });
});
