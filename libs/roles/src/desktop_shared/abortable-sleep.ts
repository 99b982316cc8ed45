/** Waits `ms` (at least 0); resolves false at once when `signal` aborts (before or during the wait). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => { clearTimeout(timer); resolve(false); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(true); }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
