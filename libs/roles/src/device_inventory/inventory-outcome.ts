/** What one collector produced: data, or a reason the server can show an operator. */
export type CollectOutcome<T> =
  | { ok: true; data: T }
  | { ok: false; code: 'not_supported' | 'collect_failed'; message: string };

export const notSupported = (message: string): CollectOutcome<never> => ({ ok: false, code: 'not_supported', message });
export const collectFailed = (message: string): CollectOutcome<never> => ({ ok: false, code: 'collect_failed', message });
