import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLinks, slug } from '../../scripts/check-links.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dirs: string[] = [];
afterEach(async () => Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true }))));

describe('markdown links', () => {
  it('every relative link in the repository resolves, to a file and to a heading', () => {
    expect(checkLinks(ROOT)).toEqual([]);
  });

  it('reports a missing file and a missing heading with the file that links to them', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kitty-links-'));
    dirs.push(dir);
    await mkdir(path.join(dir, 'docs'));
    await writeFile(
      path.join(dir, 'docs', 'a.md'),
      '# A\n\n## `sim`: the agent\n\n```\n## not a heading\n```\n',
    );
    await writeFile(
      path.join(dir, 'README.md'),
      [
        '[ok](docs/a.md) [ok](docs/a.md#sim-the-agent) [web](https://example.com/x.md)',
        '[gone](docs/b.md) [bad](docs/a.md#not-a-heading) `[code](nowhere.md)`',
      ].join('\n'),
    );
    expect(checkLinks(dir)).toEqual([
      'README.md: docs/b.md (no such file)',
      'README.md: docs/a.md#not-a-heading (no heading #not-a-heading)',
    ]);
  });

  it('makes anchors the way GitHub does', () => {
    expect(slug('`sim`: a built-in agent, no LLM')).toBe('sim-a-built-in-agent-no-llm');
  });
});
