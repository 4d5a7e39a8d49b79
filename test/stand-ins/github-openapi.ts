import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** The operations the action calls, as [path, method] in GitHub's OpenAPI description. */
export const USED_OPERATIONS: readonly (readonly [string, string])[] = [
  ['/repos/{owner}/{repo}/issues/{issue_number}/comments', 'get'],
  ['/repos/{owner}/{repo}/issues/{issue_number}/comments', 'post'],
  ['/repos/{owner}/{repo}/issues/comments/{comment_id}', 'patch'],
  ['/repos/{owner}/{repo}/check-runs', 'post'],
  ['/repos/{owner}/{repo}/check-runs/{check_run_id}', 'patch'],
  ['/user', 'get'],
  ['/repos/{owner}/{repo}/pulls/{pull_number}', 'get'],
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Every `#/components/<kind>/<name>` reference inside `node`. */
function refsIn(node: Json, found: Set<string>): void {
  if (Array.isArray(node)) node.forEach((item) => refsIn(item, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.add(value);
      else refsIn(value, found);
    }
  }
}

/**
 * GitHub's description marks some enums `nullable` without listing null among their values (a check run's
 * `conclusion`); JSON Schema then rejects the null GitHub really sends. Add it, as the design notes say.
 */
function patchNullableEnums(node: Json): void {
  if (Array.isArray(node)) node.forEach(patchNullableEnums);
  else if (node && typeof node === 'object') {
    if (node.nullable === true && Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
    Object.values(node).forEach(patchNullableEnums);
  }
}

let cached: JsonObject | null = null;

/**
 * GitHub's official REST description (from `@octokit/openapi`), trimmed to the operations we call and the
 * components they reach: the whole file is 13 MB and slow to compile; the trimmed one validates the same.
 */
export function trimmedGitHubSpec(): JsonObject {
  if (cached) return structuredClone(cached);
  const require = createRequire(import.meta.url);
  const { version } = require('@octokit/openapi/package.json') as { version: string };
  // Parsing the 13 MB file takes most of a second: keep the trimmed result between test files.
  const ops = createHash('sha256').update(JSON.stringify(USED_OPERATIONS)).digest('hex').slice(0, 12);
  const cacheFile = path.join(os.tmpdir(), `kitty-github-openapi-${version}-${ops}.json`);
  if (existsSync(cacheFile)) {
    cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as JsonObject;
    return structuredClone(cached);
  }
  cached = trimFrom(require.resolve('@octokit/openapi/generated/api.github.com.json'));
  const temp = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(cached));
  renameSync(temp, cacheFile);
  return structuredClone(cached);
}

function trimFrom(file: string): JsonObject {
  const full = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
  const fullPaths = full.paths as Record<string, JsonObject>;
  const paths: Record<string, JsonObject> = {};
  for (const [path, method] of USED_OPERATIONS) {
    const item = fullPaths[path]?.[method];
    if (!item) throw new Error(`GitHub's OpenAPI description has no ${method.toUpperCase()} ${path}`);
    paths[path] = { ...(paths[path] ?? {}), [method]: item };
  }
  const components: Record<string, JsonObject> = {};
  const fullComponents = full.components as Record<string, JsonObject>;
  const pending = new Set<string>();
  refsIn(paths, pending);
  const done = new Set<string>();
  while (pending.size > 0) {
    const ref = pending.values().next().value as string;
    pending.delete(ref);
    if (done.has(ref)) continue;
    done.add(ref);
    const [, , kind, name] = ref.split('/') as [string, string, string, string];
    const target = fullComponents[kind]?.[name];
    if (target === undefined) throw new Error(`unresolved reference ${ref}`);
    (components[kind] ??= {})[name] = target;
    const inner = new Set<string>();
    refsIn(target, inner);
    inner.forEach((r) => pending.add(r));
  }
  const spec: JsonObject = { openapi: full.openapi!, info: full.info!, paths, components };
  patchNullableEnums(spec);
  return spec;
}
