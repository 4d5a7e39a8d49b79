export type { Host, Workspace } from './types.js';
export { createStandaloneHost, type StandaloneHostOptions } from './standalone.js';
