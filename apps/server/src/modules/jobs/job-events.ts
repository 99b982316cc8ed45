import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';
import type { RunStatus } from '@borealis/protocol';

export interface RunStatusEvent {
  runId: string;
  jobId: string;
  deviceId: string;
  status: RunStatus;
  exitCode?: number | null;
  error?: string | null;
}

export interface RunOutputEvent {
  runId: string;
  jobId: string;
  deviceId: string;
  stream: 'stdout' | 'stderr';
  seq: number;
  data: string;
}

interface JobEventMap {
  status: [RunStatusEvent];
  output: [RunOutputEvent];
}

/** In-process fan-out of run changes; the `/ui` gateway forwards them to subscribers. */
@Injectable()
export class JobEvents extends EventEmitter<JobEventMap> {}
