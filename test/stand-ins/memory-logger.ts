import type { Logger } from '../../src/engine/types.js';

/** A Logger that keeps what it is told, for assertions. */
export interface MemoryLogger extends Logger {
  infos: string[];
  warnings: string[];
  debugs: string[];
}

export function memoryLogger(): MemoryLogger {
  const infos: string[] = [];
  const warnings: string[] = [];
  const debugs: string[] = [];
  return {
    infos,
    warnings,
    debugs,
    info: (m) => infos.push(m),
    warn: (m) => warnings.push(m),
    debug: (m) => debugs.push(m),
  };
}
