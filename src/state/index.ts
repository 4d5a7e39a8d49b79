/** Durable orchestration state: the event log, the reducer that derives a run from it, stores and the run lock. */
export type * from './types.js';
export { RUN_STATUSES } from './types.js';
export { applyEvent, reduce } from './reduce.js';
export { readStatus } from './read-status.js';
export {
  createFileStore,
  parseEventLog,
  readEventLog,
  statePaths,
  type FileStoreOptions,
  type StatePaths,
} from './file-store.js';
export {
  createSnapshotFileWriter,
  createThrottledSnapshotWriter,
  readSnapshotFile,
  serializeSnapshot,
  type LogMark,
  type SnapshotFile,
  type SnapshotFileWriter,
  type ThrottledSnapshotWriter,
} from './snapshot.js';
export {
  acquireRunLock,
  readOwner,
  runLockPath,
  type LockOwner,
  type ReleaseLock,
  type RunLockOptions,
} from './lock.js';
