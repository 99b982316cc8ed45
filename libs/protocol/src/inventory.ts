import { z } from 'zod';

/**
 * Device inventory on the `/agents` namespace (role `device_inventory`). The agent pushes its
 * summary at start and whenever it changes; the server asks for any kind on demand.
 */
export const InventoryEvents = {
  /** agent -> server: `{kind:'summary', collectedAt, data}`. Acked `{ok:true, stored}`. */
  report: 'inventory.report',
  /** server -> agent: `{kind}`. The ack carries the data: {@link InventoryCollectAck}. */
  collect: 'inventory.collect',
} as const;

export const INVENTORY_KINDS = ['summary', 'processes', 'software', 'updates'] as const;
export const inventoryKindSchema = z.enum(INVENTORY_KINDS);
export type InventoryKind = z.infer<typeof inventoryKindSchema>;

/** Longest list an agent sends (a desktop has ~2,000-5,000 packages); beyond it `truncated` is set. */
export const MAX_INVENTORY_ITEMS = 20_000;

const text = (max = 255) => z.string().max(max);
const bytes = z.number().nonnegative();
const epochMs = z.number().int().nonnegative();

export const inventorySummarySchema = z.object({
  hostname: text(),
  os: z.object({
    platform: text(64), distro: text(), release: text(), build: text(), kernel: text(), arch: text(64),
  }),
  cpu: z.object({ model: text(), cores: z.number().int().nonnegative(), physicalCores: z.number().int().nonnegative() }),
  memory: z.object({ totalBytes: bytes, usedBytes: bytes }),
  disks: z.array(z.object({ mount: text(1024), fs: text(1024), type: text(64), sizeBytes: bytes, freeBytes: bytes })).max(256),
  network: z.array(z.object({
    name: text(), mac: text(64), addresses: z.array(text(128)).max(64), internal: z.boolean(),
  })).max(256),
  uptimeSeconds: z.number().nonnegative(),
  users: z.array(z.object({ name: text(), terminal: text(), loginAt: text(64) })).max(256),
  agentVersion: text(),
});
export type InventorySummary = z.infer<typeof inventorySummarySchema>;

const listOf = <T extends z.ZodType>(item: T) => ({
  items: z.array(item).max(MAX_INVENTORY_ITEMS),
  /** How many the machine had; more than `items.length` when the list was cut. */
  total: z.number().int().nonnegative(),
  truncated: z.boolean(),
});

export const inventoryProcessesSchema = z.object({
  ...listOf(z.object({
    pid: z.number().int().nonnegative(), name: text(), user: text(), cpuPercent: z.number().nonnegative(), memoryBytes: bytes,
  })),
});
export type InventoryProcesses = z.infer<typeof inventoryProcessesSchema>;

export const softwareSourceSchema = z.enum(['dpkg', 'rpm', 'registry']);
export const inventorySoftwareSchema = z.object({
  source: softwareSourceSchema,
  ...listOf(z.object({
    name: text(), version: text(), arch: text(32).optional(), publisher: text().optional(),
    /** Windows: which Uninstall key listed it. */
    scope: z.enum(['machine64', 'machine32', 'user']).optional(),
  })),
});
export type InventorySoftware = z.infer<typeof inventorySoftwareSchema>;
export type SoftwareItem = InventorySoftware['items'][number];

export const inventoryUpdatesSchema = z.object({
  source: z.enum(['apt', 'dnf', 'yum', 'windows_update']),
  ...listOf(z.object({
    name: text(512), currentVersion: text().optional(), availableVersion: text().optional(),
    repository: text(512).optional(), security: z.boolean().optional(),
  })),
});
export type InventoryUpdates = z.infer<typeof inventoryUpdatesSchema>;

/** The data schema of each kind, so both ends validate the same shapes. */
export const inventoryDataSchemas = {
  summary: inventorySummarySchema,
  processes: inventoryProcessesSchema,
  software: inventorySoftwareSchema,
  updates: inventoryUpdatesSchema,
} as const;
export interface InventoryDataByKind {
  summary: InventorySummary;
  processes: InventoryProcesses;
  software: InventorySoftware;
  updates: InventoryUpdates;
}

export const inventoryReportSchema = z.object({
  kind: z.literal('summary'),
  collectedAt: epochMs,
  data: inventorySummarySchema,
});
export type InventoryReportMessage = z.infer<typeof inventoryReportSchema>;

export const inventoryCollectSchema = z.object({ kind: inventoryKindSchema });
export type InventoryCollectMessage = z.infer<typeof inventoryCollectSchema>;

/** Envelope of a successful collect ack; `data` is checked against `inventoryDataSchemas[kind]`. */
export const inventoryCollectedSchema = z.object({ ok: z.literal(true), kind: inventoryKindSchema, collectedAt: epochMs, data: z.unknown() });

/** Agent's answer to `inventory.collect`: the data, or `not_supported` (no package manager, no Windows Update API ...). */
export type InventoryCollectAck =
  | { ok: true; kind: InventoryKind; collectedAt: number; data: InventoryDataByKind[InventoryKind] }
  | { ok: false; code: 'not_supported' | 'collect_failed' | 'bad_message'; message: string; details?: unknown };

/** Disk free space is compared in these steps, so a summary is not "changed" by every written byte. */
export const SUMMARY_FREE_SPACE_STEP_BYTES = 1024 ** 3;

/**
 * The part of a snapshot that decides whether it "changed". Summaries drop what moves all the
 * time (uptime, memory in use) and round free disk space to whole GiB; other kinds compare in full.
 * Both ends hash `canonicalJson(stableInventoryView(...))`.
 */
export function stableInventoryView(kind: InventoryKind, data: unknown): unknown {
  if (kind !== 'summary' || typeof data !== 'object' || data === null) return data;
  const summary = data as InventorySummary;
  return {
    ...summary,
    uptimeSeconds: undefined,
    memory: { totalBytes: summary.memory?.totalBytes },
    disks: (summary.disks ?? []).map((d) => ({ ...d, freeBytes: Math.round(d.freeBytes / SUMMARY_FREE_SPACE_STEP_BYTES) })),
  };
}

/** JSON with object keys sorted (and undefined dropped), so equal data always hashes equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}
