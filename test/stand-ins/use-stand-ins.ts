import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { TempDirs } from './action-repo.js';
import { startCacheService, type CacheServiceStandIn } from './cache-service.js';
import { startGitHubStandIn, type GitHubStandIn } from './github-api.js';

export interface StandIns {
  readonly gh: GitHubStandIn;
  readonly cacheService: CacheServiceStandIn;
  readonly temp: TempDirs;
}

/**
 * The local GitHub API and cache service for one describe block: started once, emptied of comments and check
 * runs before each test, stopped after; temp dirs removed after each test.
 */
export function useStandIns(): StandIns {
  let gh: GitHubStandIn | undefined;
  let cacheService: CacheServiceStandIn | undefined;
  const temp = new TempDirs();
  beforeAll(async () => {
    gh = await startGitHubStandIn();
    cacheService = await startCacheService();
  });
  afterAll(async () => {
    await gh?.close();
    await cacheService?.close();
  });
  beforeEach(() => {
    if (!gh) return;
    gh.comments.length = 0;
    gh.checkRuns.length = 0;
    gh.requests.length = 0;
  });
  afterEach(() => temp.cleanup());
  return {
    get gh() {
      if (!gh) throw new Error('stand-ins are not started yet');
      return gh;
    },
    get cacheService() {
      if (!cacheService) throw new Error('stand-ins are not started yet');
      return cacheService;
    },
    temp,
  };
}
