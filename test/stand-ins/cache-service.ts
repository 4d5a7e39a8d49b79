import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ARTIFACT_SERVICE, ArtifactStore, runtimeTokenWithScope } from './artifact-store.js';

/**
 * A local Actions cache service, v2 protocol, for the real `@actions/cache` library:
 * - the three Twirp RPCs under `ACTIONS_RESULTS_URL` (CreateCacheEntry, FinalizeCacheEntryUpload,
 *   GetCacheEntryDownloadURL), with GitHub's rules: a key is immutable (a second reservation gets 409), an
 *   entry is visible once finalised, restore matches the exact key and then each restore key by prefix,
 *   newest first, and only entries of the same version (paths + compression) match;
 * - a blob server speaking the part of Azure Blob Storage the library uses (Put Blob, Get Blob Properties,
 *   ranged Get Blob), checking each signed URL's signature.
 * Signed URLs name `<account>.blob.core.windows.net`, as production does, so the library takes its production
 * download path; set `HTTP_PROXY` to `blobProxy` (and `NO_PROXY=127.0.0.1`) to route them here. It never answers
 * 5xx: the library would retry for half a minute.
 */

interface Entry {
  id: number;
  key: string;
  version: string;
  blob: string;
  finalized: boolean;
  createdAt: number;
}

const SERVICE = '/twirp/github.actions.results.api.v1.CacheService/';
const ACCOUNT_HOST = 'kittycache.blob.core.windows.net';

export class CacheServiceStandIn {
  readonly entries: Entry[] = [];
  readonly blobs = new Map<string, Buffer>();
  /** Staged blocks of block-blob uploads (the artifact client's), by blob and block id. */
  private readonly blocks = new Map<string, Buffer>();
  /** The artifact service under the same results URL, as in production. */
  readonly artifacts = new ArtifactStore((blob) => this.signedUrl(blob, 'w'));
  /** RPCs and blob requests, in order, e.g. `CreateCacheEntry 200`, `PUT blob 201`. */
  readonly log: string[] = [];
  readonly violations: string[] = [];
  private readonly secret = randomBytes(16);
  private nextId = 1;
  private clock = 0;
  private rpcServer: http.Server | null = null;
  private blobServer: http.Server | null = null;
  /** `ACTIONS_RESULTS_URL` (ends with a slash, as the runner's does). */
  resultsUrl = '';
  /** An HTTP proxy URL that serves the blobs: use as `HTTP_PROXY`. */
  blobProxy = '';

  constructor(readonly runtimeToken: string) {}

  /** Keys of finalised entries, oldest first. */
  keys(): string[] {
    return this.entries.filter((e) => e.finalized).map((e) => e.key);
  }

  /** Forget every entry, as GitHub's eviction after 7 days unused does. */
  evictAll(): void {
    this.entries.length = 0;
    this.blobs.clear();
  }

  /** Environment that points `@actions/cache` at this service (merge into the action's env). */
  env(runnerTemp: string): Record<string, string> {
    return {
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_RESULTS_URL: this.resultsUrl,
      ACTIONS_RUNTIME_TOKEN: this.runtimeToken,
      RUNNER_TEMP: runnerTemp,
      HTTP_PROXY: this.blobProxy,
      http_proxy: this.blobProxy,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
    };
  }

  async listen(): Promise<void> {
    this.rpcServer = http.createServer((req, res) => void this.handleRpc(req, res));
    this.blobServer = http.createServer((req, res) => void this.handleBlob(req, res));
    const start = (server: http.Server) =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
      );
    this.resultsUrl = `http://127.0.0.1:${await start(this.rpcServer)}/`;
    this.blobProxy = `http://127.0.0.1:${await start(this.blobServer)}`;
  }

  async close(): Promise<void> {
    const stop = (server: http.Server | null) =>
      new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      });
    await Promise.all([stop(this.rpcServer), stop(this.blobServer)]);
  }

  private sign(blob: string, permission: string): string {
    return createHmac('sha256', this.secret).update(`${permission}:${blob}`).digest('base64url');
  }

  private signedUrl(blob: string, permission: 'w' | 'r'): string {
    return `http://${ACCOUNT_HOST}/actions-cache/${blob}?sv=2025-01-05&sp=${permission}&sig=${this.sign(blob, permission)}`;
  }

  // --- Twirp RPCs ---

  private async handleRpc(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>;
    const url = req.url ?? '';
    const artifact = url.startsWith(ARTIFACT_SERVICE);
    const method = url.startsWith(SERVICE)
      ? url.slice(SERVICE.length)
      : artifact
        ? url.slice(ARTIFACT_SERVICE.length)
        : '';
    let reply: { status: number; body: unknown };
    if (req.headers.authorization !== `Bearer ${this.runtimeToken}`) {
      this.violations.push(`${method}: bad authorization ${req.headers.authorization ?? 'none'}`);
      reply = { status: 401, body: { code: 'unauthenticated', msg: 'invalid token' } };
    } else if (artifact) reply = this.artifacts.handle(method, body, (blob) => this.blobs.get(blob)?.length);
    else if (method === 'CreateCacheEntry') reply = this.create(body);
    else if (method === 'FinalizeCacheEntryUpload') reply = this.finalize(body);
    else if (method === 'GetCacheEntryDownloadURL') reply = this.lookup(body);
    else reply = { status: 404, body: { code: 'bad_route', msg: `no method ${method}` } };
    this.log.push(`${method} ${reply.status}`);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  }

  private create(body: Record<string, unknown>): { status: number; body: unknown } {
    const key = typeof body.key === 'string' ? body.key : '';
    const version = typeof body.version === 'string' ? body.version : '';
    if (!key || !version)
      return { status: 400, body: { code: 'invalid_argument', msg: 'key and version are required' } };
    if (this.entries.some((e) => e.key === key && e.version === version)) {
      return {
        status: 409,
        body: {
          code: 'already_exists',
          msg: 'cache entry with the same key, version, and scope already exists',
        },
      };
    }
    const id = this.nextId++;
    const blob = `entry-${id}`;
    this.entries.push({ id, key, version, blob, finalized: false, createdAt: ++this.clock });
    return { status: 200, body: { ok: true, signed_upload_url: this.signedUrl(blob, 'w') } };
  }

  private finalize(body: Record<string, unknown>): { status: number; body: unknown } {
    const entry = this.entries.find((e) => e.key === body.key && e.version === body.version && !e.finalized);
    if (!entry)
      return { status: 404, body: { code: 'not_found', msg: 'no reserved cache entry with this key' } };
    const stored = this.blobs.get(entry.blob);
    if (!stored || String(stored.length) !== String(body.size_bytes)) {
      return {
        status: 400,
        body: {
          code: 'invalid_argument',
          msg: `uploaded size ${stored?.length ?? 0} != ${String(body.size_bytes)}`,
        },
      };
    }
    entry.finalized = true;
    entry.createdAt = ++this.clock;
    return { status: 200, body: { ok: true, entry_id: String(entry.id) } };
  }

  private lookup(body: Record<string, unknown>): { status: number; body: unknown } {
    const version = typeof body.version === 'string' ? body.version : '';
    const candidates = this.entries
      .filter((e) => e.finalized && e.version === version)
      .sort((a, b) => b.createdAt - a.createdAt);
    const exact = candidates.find((e) => e.key === body.key);
    const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : [];
    const match =
      exact ?? restoreKeys.map((prefix) => candidates.find((e) => e.key.startsWith(prefix))).find(Boolean);
    if (!match) return { status: 200, body: { ok: false } };
    return {
      status: 200,
      body: { ok: true, signed_download_url: this.signedUrl(match.blob, 'r'), matched_key: match.key },
    };
  }

  // --- blob storage (reached through HTTP_PROXY, so req.url is absolute) ---

  private async handleBlob(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? ACCOUNT_HOST}`);
    const blob = url.pathname.replace(/^\/actions-cache\//, '');
    const method = req.method ?? 'GET';
    const permission = method === 'PUT' ? 'w' : 'r';
    const body = await readBody(req);
    const headers = {
      'x-ms-request-id': randomBytes(8).toString('hex'),
      'x-ms-version': '2025-01-05',
      date: new Date().toUTCString(),
    };
    const reply = (status: number, extra: Record<string, string | number> = {}, content?: Buffer) => {
      this.log.push(`${method} blob ${status}`);
      res.writeHead(status, { ...headers, ...extra });
      res.end(content);
    };
    if (url.host !== ACCOUNT_HOST || url.searchParams.get('sig') !== this.sign(blob, permission)) {
      this.violations.push(`${method} ${url.href}: bad host or signature`);
      return reply(403, { 'x-ms-error-code': 'AuthenticationFailed' });
    }
    if (method === 'PUT') {
      const comp = url.searchParams.get('comp');
      if (comp === 'block') {
        this.blocks.set(`${blob}/${url.searchParams.get('blockid') ?? ''}`, body);
        return reply(201, { 'content-md5': '' });
      }
      if (comp === 'blocklist') {
        const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)</g)].map(
          (m) => m[1]!,
        );
        const parts = ids.map((id) => this.blocks.get(`${blob}/${id}`));
        if (parts.some((p) => p === undefined)) {
          this.violations.push(`PUT ${url.search}: commits a block that was never staged`);
          return reply(400, { 'x-ms-error-code': 'InvalidBlockList' });
        }
        this.blobs.set(blob, Buffer.concat(parts as Buffer[]));
        return reply(201, { etag: `"0x${blob}"`, 'last-modified': new Date().toUTCString() });
      }
      if (comp !== null) {
        this.violations.push(`PUT ${url.search}: not supported by the stand-in`);
        return reply(400, { 'x-ms-error-code': 'UnsupportedQueryParameter' });
      }
      this.blobs.set(blob, body);
      return reply(201, {
        etag: `"0x${blob}"`,
        'last-modified': new Date().toUTCString(),
        'x-ms-request-server-encrypted': 'true',
      });
    }
    const stored = this.blobs.get(blob);
    if (!stored) return reply(404, { 'x-ms-error-code': 'BlobNotFound' });
    const common = {
      etag: `"0x${blob}"`,
      'last-modified': new Date(0).toUTCString(),
      'x-ms-blob-type': 'BlockBlob',
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
    };
    if (method === 'HEAD') return reply(200, { ...common, 'content-length': stored.length });
    const range = String(req.headers['x-ms-range'] ?? req.headers.range ?? '');
    const m = /bytes=(\d+)-(\d*)/.exec(range);
    if (!m) return reply(200, { ...common, 'content-length': stored.length }, stored);
    const start = Number(m[1]);
    const end = Math.min(m[2] ? Number(m[2]) : stored.length - 1, stored.length - 1);
    const slice = stored.subarray(start, end + 1);
    return reply(
      206,
      {
        ...common,
        'content-length': slice.length,
        'content-range': `bytes ${start}-${end}/${stored.length}`,
      },
      slice,
    );
  }
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startCacheService(
  runtimeToken = runtimeTokenWithScope(),
): Promise<CacheServiceStandIn> {
  const service = new CacheServiceStandIn(runtimeToken);
  await service.listen();
  return service;
}
