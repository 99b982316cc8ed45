import { createHash } from 'node:crypto';
import { canonicalJson, stableInventoryView, type InventoryKind } from '@borealis/protocol';

/** The same fingerprint the agent computes: equal for states that count as "unchanged". */
export function inventoryHash(kind: InventoryKind, data: unknown): string {
  return createHash('sha256').update(canonicalJson(stableInventoryView(kind, data))).digest('hex');
}

/** Entries of the list kinds; summaries have none. */
export function itemCount(data: unknown): number | null {
  const items = (data as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items.length : null;
}
