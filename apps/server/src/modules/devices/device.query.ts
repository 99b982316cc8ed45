import type { Repository } from 'typeorm';
import type { DeviceEntity } from './device.entity';

export interface DeviceQuery {
  online?: boolean;
  hostname?: string;
  os?: string;
  tag?: string;
  /** Installed software name (case-insensitive; a trailing `*` matches a prefix), from the latest software snapshot. */
  software?: string;
  limit: number;
  offset: number;
}

/** Filters and pages the non-revoked devices, ordered by hostname. */
export async function queryDevices(
  devices: Repository<DeviceEntity>,
  query: DeviceQuery,
): Promise<{ items: DeviceEntity[]; total: number }> {
  const qb = devices.createQueryBuilder('d').where('d.revokedAt IS NULL');
  if (query.online !== undefined) qb.andWhere(`d.online = ${query.online ? 'TRUE' : 'FALSE'}`); // literal: SQLite cannot bind booleans
  if (query.hostname) qb.andWhere("LOWER(d.hostname) LIKE :hostname ESCAPE '\\'", { hostname: `%${escapeLike(query.hostname.toLowerCase())}%` });
  if (query.os) qb.andWhere('d.os = :os', { os: query.os });
  // Tags are a JSON array in a text column; matching the quoted element is exact and portable.
  if (query.tag) qb.andWhere("d.tags LIKE :tag ESCAPE '\\'", { tag: `%${escapeLike(JSON.stringify(query.tag))}%` });
  // device_software holds each device's latest software list (inventory module); an indexed lookup on both engines.
  if (query.software) {
    const wanted = query.software.toLowerCase();
    const pattern = wanted.endsWith('*') ? `${escapeLike(wanted.slice(0, -1))}%` : escapeLike(wanted);
    qb.andWhere(`d.id IN (SELECT s."deviceId" FROM device_software s WHERE s."nameLower" LIKE :software ESCAPE '\\')`, { software: pattern });
  }
  const [items, total] = await qb.orderBy('d.hostname', 'ASC').addOrderBy('d.id', 'ASC')
    .skip(query.offset).take(query.limit).getManyAndCount();
  return { items, total };
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
