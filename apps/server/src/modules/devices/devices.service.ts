import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, IsNull, Repository } from 'typeorm';
import type { ConfigUpdateMessage, HelloMessage, RoleConfig, RoleStateMessage } from '@borealis/protocol';
import { Clock } from '../../common/clock';
import { NotFoundError, ValidationError } from '../../common/errors';
import { secretMatches } from '../../common/secrets';
import { SERVER_CONFIG, type ServerConfig } from '../../config/config';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { DeviceEntity, type DeviceRole } from './device.entity';
import { DeviceEvents } from './device-events';
import { PresenceService } from './presence.service';
import { DeviceLinkRepository, type DeviceLinkRow } from './device-link.repository';
import { DeviceQuery, escapeLike, queryDevices } from './device.query';

export interface NewDevice {
  secretHash: string;
  hostname: string;
  os: string;
  arch: string;
  enrollmentTokenId: string;
}

export interface DevicePatch {
  tags?: string[];
  /** Per-role config; a role set to `null` goes back to defaults. */
  roles?: Record<string, RoleConfig | null>;
}

@Injectable()
export class DevicesService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Devices');
  /** Latest config revision per device changed since start; tells recordHello its snapshot is stale. */
  private readonly revisionHints = new Map<string, number>();

  constructor(
    @InjectRepository(DeviceEntity) private readonly devices: Repository<DeviceEntity>,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly presence: PresenceService,
    private readonly events: DeviceEvents,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly links: DeviceLinkRepository,
  ) {}

  /** Nobody is connected to a process that just started: clear what a crash left behind. */
  async onApplicationBootstrap(): Promise<void> {
    await this.devices.update({ online: true }, { online: false });
  }

  async createEnrolled(input: NewDevice): Promise<DeviceEntity> {
    return this.devices.save(this.devices.create({
      id: randomUUID(), ...input, osVersion: '', agentVersion: '', roles: [], roleConfig: {}, configRevision: 0,
      tags: [], online: false, lastSeen: null, enrolledAt: this.clock.now(), revokedAt: null,
    }));
  }

  /** Handshake check: the agent exists, is not revoked and holds the right secret. */
  async verifyAgent(agentId: string, secret: string): Promise<DeviceLinkRow | undefined> {
    const device = await this.links.findActive(agentId);
    return device && secretMatches(secret, device.secretHash) ? device : undefined;
  }

  /**
   * Records what the agent says about itself and marks it online; returns the config it must
   * apply. `snapshot` is the row read at the handshake, so a connect costs one read and one
   * write; it is re-read only if an operator changed the config since (see `revisionHints`).
   */
  async recordHello(snapshot: DeviceLinkRow, hello: HelloMessage): Promise<{ config: ConfigUpdateMessage; roles: DeviceRole[] }> {
    const deviceId = snapshot.id;
    const hint = this.revisionHints.get(deviceId);
    const device = hint !== undefined && hint > snapshot.configRevision ? (await this.links.findActive(deviceId)) ?? snapshot : snapshot;
    const now = this.clock.now();
    const previous = new Map(device.roles.map((role) => [role.name, role]));
    const roles: DeviceRole[] = hello.roles.map((role) => ({
      name: role.name,
      contexts: role.contexts,
      status: previous.get(role.name)?.status ?? 'unknown',
      configRevision: previous.get(role.name)?.configRevision ?? 0,
    }));
    await this.links.markOnline(deviceId, {
      hostname: hello.hostname, os: hello.os, osVersion: hello.osVersion, arch: hello.arch,
      agentVersion: hello.agentVersion, roles, lastSeen: now,
    });
    this.events.emit('online', { deviceId, hostname: hello.hostname, at: now.toISOString() });
    return { config: this.configFor(device), roles };
  }

  /** Merges a role.state report into the roles the live link holds and stores them; returns the new list. */
  async recordRoleState(deviceId: string, current: DeviceRole[], state: RoleStateMessage): Promise<DeviceRole[]> {
    const reported = new Map(state.roles.map((role) => [role.name, role]));
    const roles = current.map((role) => {
      const update = reported.get(role.name);
      return update ? { ...role, status: update.status, configRevision: update.configRevision, error: update.error } : role;
    });
    // A reconnecting agent re-reports the same states: after a server restart that is one
    // write per agent for nothing, in the middle of the reconnect storm.
    if (sameRoles(current, roles)) return current;
    await this.links.saveRoles(deviceId, roles);
    this.events.emit('updated', { deviceId });
    return roles;
  }

  async markOffline(deviceId: string, hostname: string, lastSeen: Date, reason: string): Promise<void> {
    await this.devices.update({ id: deviceId }, { online: false, lastSeen });
    this.events.emit('offline', { deviceId, hostname, at: lastSeen.toISOString(), reason });
  }

  list(query: DeviceQuery): Promise<{ items: DeviceEntity[]; total: number }> {
    return queryDevices(this.devices, query);
  }

  /** Ids of the non-revoked devices a job targets: by ids (all must exist), by any of the tags, or all. */
  async resolveTarget(target: { deviceIds?: string[]; tags?: string[]; all?: boolean }): Promise<string[]> {
    const qb = this.devices.createQueryBuilder('d').select('d.id', 'id').where('d.revokedAt IS NULL');
    if (target.deviceIds) {
      const wanted = [...new Set(target.deviceIds)];
      const found = new Set<string>();
      for (let i = 0; i < wanted.length; i += 500) {
        const rows = await qb.clone().andWhere('d.id IN (:...ids)', { ids: wanted.slice(i, i + 500) }).getRawMany<{ id: string }>();
        rows.forEach((row) => found.add(row.id));
      }
      const missing = wanted.filter((id) => !found.has(id));
      if (missing.length > 0) throw new ValidationError('unknown_devices', 'some target devices do not exist', { deviceIds: missing.slice(0, 100) });
      return wanted;
    }
    if (target.tags) {
      const tags = target.tags;
      qb.andWhere(new Brackets((any) => tags.forEach((tag, i) =>
        any.orWhere(`d.tags LIKE :tag${i} ESCAPE '\\'`, { [`tag${i}`]: `%${escapeLike(JSON.stringify(tag))}%` }))));
    }
    return (await qb.getRawMany<{ id: string }>()).map((row) => row.id);
  }

  async getActive(id: string): Promise<DeviceEntity> {
    const device = await this.devices.findOneBy({ id, revokedAt: IsNull() });
    if (!device) throw new NotFoundError('device', id);
    return device;
  }

  async update(by: Principal, id: string, patch: DevicePatch): Promise<DeviceEntity> {
    const device = await this.getActive(id);
    const changes: Partial<DeviceEntity> = {};
    if (patch.tags) changes.tags = [...new Set(patch.tags)];
    if (patch.roles) {
      const roleConfig = { ...device.roleConfig };
      for (const [name, config] of Object.entries(patch.roles)) {
        if (config === null) delete roleConfig[name];
        else roleConfig[name] = config;
      }
      changes.roleConfig = roleConfig;
      changes.configRevision = device.configRevision + 1;
    }
    await this.devices.update({ id }, changes as Parameters<Repository<DeviceEntity>['update']>[1]);
    const updated = { ...device, ...changes } as DeviceEntity;
    await this.audit.record({ type: 'token', principal: by }, {
      action: 'device.update', targetType: 'device', targetId: id, details: { ...patch },
    });
    if (patch.roles) {
      // Set before the live check: a hello racing with this change either sees the link
      // (and gets the push) or sees the hint (and re-reads the config).
      this.revisionHints.set(id, updated.configRevision);
      this.pushConfig(updated);
    }
    this.events.emit('updated', { deviceId: id });
    return updated;
  }

  /** Revokes the agent: its credentials stop working at once and its link is closed. */
  async remove(by: Principal, id: string): Promise<void> {
    const device = await this.getActive(id);
    await this.devices.update({ id }, { revokedAt: this.clock.now(), online: false });
    await this.audit.record({ type: 'token', principal: by }, {
      action: 'device.delete', targetType: 'device', targetId: id, details: { hostname: device.hostname },
    });
    this.presence.get(id)?.link.disconnect(true);
  }

  configFor(device: Pick<DeviceEntity, 'configRevision' | 'roleConfig'>): ConfigUpdateMessage {
    return { revision: device.configRevision, heartbeatIntervalMs: this.config.heartbeatIntervalMs, roles: device.roleConfig };
  }

  /** Live push; an offline agent gets the same config in its next hello ack. */
  private pushConfig(device: DeviceEntity): void {
    const live = this.presence.get(device.id);
    if (!live) return;
    live.link.emit('config.update', this.configFor(device));
    this.logger.log({ deviceId: device.id, revision: device.configRevision }, 'config pushed');
  }
}

function sameRoles(a: readonly DeviceRole[], b: readonly DeviceRole[]): boolean {
  return a.length === b.length && a.every((role, i) => {
    const other = b[i]!;
    return role.name === other.name && role.status === other.status && role.configRevision === other.configRevision
      && (role.error ?? null) === (other.error ?? null) && role.contexts.join() === other.contexts.join();
  });
}
