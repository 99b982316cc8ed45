import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RoleConfig } from '@borealis/protocol';
import { rawQuery } from '../../common/raw-sql';
import type { DeviceRole } from './device.entity';

/** What the handshake needs of a device row. */
export interface DeviceLinkRow {
  id: string;
  secretHash: string;
  hostname: string;
  roles: DeviceRole[];
  roleConfig: Record<string, RoleConfig>;
  configRevision: number;
}

export interface HelloFacts {
  hostname: string;
  os: string;
  osVersion: string;
  arch: string;
  agentVersion: string;
  roles: DeviceRole[];
  lastSeen: Date;
}

/**
 * The three statements every agent connect runs (read at the handshake, write at hello,
 * write at role.state), hand-written: a restarted server replays them for its whole fleet
 * within seconds, and TypeORM's per-call query building was most of their cost.
 */
@Injectable()
export class DeviceLinkRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findActive(id: string): Promise<DeviceLinkRow | undefined> {
    const rows = await rawQuery<Record<string, unknown>[]>(this.dataSource,
      'SELECT "id", "secretHash", "hostname", "roles", "roleConfig", "configRevision" FROM "devices" WHERE "id" = ? AND "revokedAt" IS NULL',
      [id]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: String(row.id), secretHash: String(row.secretHash), hostname: String(row.hostname),
      roles: JSON.parse(String(row.roles)) as DeviceRole[],
      roleConfig: JSON.parse(String(row.roleConfig)) as Record<string, RoleConfig>,
      configRevision: Number(row.configRevision),
    };
  }

  async markOnline(id: string, facts: HelloFacts): Promise<void> {
    await rawQuery(this.dataSource,
      'UPDATE "devices" SET "hostname" = ?, "os" = ?, "osVersion" = ?, "arch" = ?, "agentVersion" = ?, "roles" = ?, "online" = ?, "lastSeen" = ? WHERE "id" = ?',
      [facts.hostname, facts.os, facts.osVersion, facts.arch, facts.agentVersion, JSON.stringify(facts.roles), true, facts.lastSeen.getTime(), id]);
  }

  async saveRoles(id: string, roles: DeviceRole[]): Promise<void> {
    await rawQuery(this.dataSource, 'UPDATE "devices" SET "roles" = ? WHERE "id" = ?', [JSON.stringify(roles), id]);
  }
}
