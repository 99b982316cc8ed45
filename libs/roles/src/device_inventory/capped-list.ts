import { MAX_INVENTORY_ITEMS } from '@borealis/protocol';

/** Keeps the first `max` items and counts them all, so a huge listing reports `truncated` instead of flooding the server. */
export class CappedList<T> {
  readonly items: T[] = [];
  total = 0;

  constructor(private readonly max: number = MAX_INVENTORY_ITEMS) {}

  push(item: T): void {
    this.total++;
    if (this.items.length < this.max) this.items.push(item);
  }

  result(): { items: T[]; total: number; truncated: boolean } {
    return { items: this.items, total: this.total, truncated: this.total > this.items.length };
  }
}

/** Trims a field to the protocol's bound (255 by default) so one odd entry cannot fail validation of the whole list. */
export function clip(value: unknown, max = 255): string {
  const text = typeof value === 'string' ? value : value == null ? '' : String(value);
  return text.length > max ? text.slice(0, max) : text;
}
