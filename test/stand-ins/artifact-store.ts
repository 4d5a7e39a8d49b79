/**
 * The artifact half of the local results service (`@actions/artifact` v2 protocol): the Twirp RPCs
 * `CreateArtifact` and `FinalizeArtifact` of `github.actions.results.api.v1.ArtifactService`, with GitHub's rules:
 * the request names the run and job backend ids the runtime token grants (its `Actions.Results` scope), a name is
 * unique within a workflow run (a second create gets 409), and an artifact exists once finalised with the size
 * that was uploaded. The zip itself goes to the blob server the cache service runs, through a signed URL.
 */

export interface Artifact {
  id: number;
  name: string;
  runBackendId: string;
  jobBackendId: string;
  blob: string;
  size: number;
  finalized: boolean;
}

export const ARTIFACT_SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';

/** The run and job backend ids the stand-in's runtime token carries. */
export const BACKEND_IDS = { run: 'run-backend-0001', job: 'job-backend-0001' } as const;

/** An (unsigned) JWT like the runner's ACTIONS_RUNTIME_TOKEN: the artifact client reads the ids from its scope. */
export function runtimeTokenWithScope(): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const scp = `Actions.GenericRead:00000000 Actions.Results:${BACKEND_IDS.run}:${BACKEND_IDS.job}`;
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ scp, exp: 4_102_444_800 })}.stand-in`;
}

type Reply = { status: number; body: unknown };

export class ArtifactStore {
  readonly artifacts: Artifact[] = [];
  private nextId = 1;

  constructor(private readonly signedUrl: (blob: string) => string) {}

  /** Finalised artifacts by name. */
  names(): string[] {
    return this.artifacts.filter((a) => a.finalized).map((a) => a.name);
  }

  handle(
    method: string,
    body: Record<string, unknown>,
    blobSize: (blob: string) => number | undefined,
  ): Reply {
    if (
      body.workflow_run_backend_id !== BACKEND_IDS.run ||
      body.workflow_job_run_backend_id !== BACKEND_IDS.job
    ) {
      return { status: 403, body: { code: 'permission_denied', msg: 'backend ids do not match the token' } };
    }
    const name = typeof body.name === 'string' ? body.name : '';
    if (method === 'CreateArtifact') return this.create(name, body);
    if (method === 'FinalizeArtifact') return this.finalize(name, body, blobSize);
    return { status: 404, body: { code: 'bad_route', msg: `no method ${method}` } };
  }

  private create(name: string, body: Record<string, unknown>): Reply {
    if (!name || body.version !== 7) {
      return { status: 400, body: { code: 'invalid_argument', msg: 'name and version 7 are required' } };
    }
    if (this.artifacts.some((a) => a.name === name)) {
      return {
        status: 409,
        body: { code: 'already_exists', msg: `an artifact named ${name} already exists` },
      };
    }
    const id = this.nextId++;
    const blob = `artifact-${id}`;
    this.artifacts.push({
      id,
      name,
      runBackendId: BACKEND_IDS.run,
      jobBackendId: BACKEND_IDS.job,
      blob,
      size: 0,
      finalized: false,
    });
    return { status: 200, body: { ok: true, signed_upload_url: this.signedUrl(blob) } };
  }

  private finalize(
    name: string,
    body: Record<string, unknown>,
    blobSize: (blob: string) => number | undefined,
  ): Reply {
    const artifact = this.artifacts.find((a) => a.name === name && !a.finalized);
    if (!artifact)
      return { status: 404, body: { code: 'not_found', msg: `no artifact ${name} being uploaded` } };
    const size = blobSize(artifact.blob);
    if (size === undefined || String(size) !== String(body.size)) {
      return {
        status: 400,
        body: { code: 'invalid_argument', msg: `uploaded size ${size ?? 0} != ${String(body.size)}` },
      };
    }
    artifact.finalized = true;
    artifact.size = size;
    return { status: 200, body: { ok: true, artifact_id: String(artifact.id) } };
  }
}
