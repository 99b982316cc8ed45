import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';

export interface DevicePresenceEvent {
  deviceId: string;
  hostname: string;
  at: string;
}

interface DeviceEventMap {
  online: [DevicePresenceEvent];
  offline: [DevicePresenceEvent & { reason: string }];
  updated: [{ deviceId: string }];
}

/**
 * In-process fan-out of device changes, so the devices module knows nothing of who listens
 * (the `/ui` gateway, metrics, later workflows).
 */
@Injectable()
export class DeviceEvents extends EventEmitter<DeviceEventMap> {}
