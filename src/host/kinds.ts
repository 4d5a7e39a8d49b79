/** The hosts `--host` chooses between (kept import-free: the CLI's flag definitions load it at start-up). */
export const HOST_KINDS = ['auto', 'standalone', 'spec-kitty'] as const;
export type HostKind = (typeof HOST_KINDS)[number];
