/** One answer per key, shared by every caller; a failure is not kept, so the next call asks again. */
export function remembered<T>(
  cache: Map<string, Promise<T>>,
  key: string,
  ask: () => Promise<T>,
): Promise<T> {
  let answer = cache.get(key);
  if (answer === undefined) {
    answer = ask();
    cache.set(key, answer);
    answer.catch(() => cache.delete(key));
  }
  return answer;
}
