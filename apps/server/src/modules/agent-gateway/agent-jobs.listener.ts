import { Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { JobEvents, parseMessage, runOutputSchema, runResultSchema, runStartedSchema, type Ack } from '@borealis/protocol';
import { AgentMetrics } from '../metrics/agent-metrics';
import { JobDispatcher } from '../jobs/job-dispatcher';
import { RunReportsService } from '../jobs/run-reports.service';

type AckFn = (response: Ack<Record<string, unknown>>) => void;

/** The job events of one agent link: run started, live output, final result. */
@Injectable()
export class AgentJobsListener {
  private readonly logger = new Logger('AgentJobs');

  constructor(
    private readonly reports: RunReportsService,
    private readonly dispatcher: JobDispatcher,
    private readonly metrics: AgentMetrics,
  ) {}

  static readonly events: string[] = [JobEvents.started, JobEvents.output, JobEvents.result];

  attach(socket: Socket, deviceId: string, asAck: (candidate: unknown) => AckFn | undefined): void {
    socket.on(JobEvents.started, (payload: unknown, ack: unknown) => {
      const parsed = parseMessage(runStartedSchema, payload);
      if (!parsed.ok) return this.drop(deviceId, JobEvents.started, parsed, asAck(ack));
      this.reports.report({ kind: 'started', deviceId, message: parsed.value, reply: asAck(ack) });
    });
    socket.on(JobEvents.output, (payload: unknown) => {
      const parsed = parseMessage(runOutputSchema, payload);
      if (!parsed.ok) return this.drop(deviceId, JobEvents.output, parsed, undefined);
      this.reports.output(deviceId, parsed.value).catch((error: unknown) => this.logger.warn({ err: error, deviceId }, 'output not forwarded'));
    });
    socket.on(JobEvents.result, (payload: unknown, ack: unknown) => {
      const parsed = parseMessage(runResultSchema, payload);
      if (!parsed.ok) return this.drop(deviceId, JobEvents.result, parsed, asAck(ack));
      this.reports.report({ kind: 'result', deviceId, message: parsed.value, reply: asAck(ack) });
    });
  }

  /** After the hello ack: send the device the runs it should have. */
  deviceReady(deviceId: string): void {
    this.dispatcher.deviceReady(deviceId).catch((error: unknown) => this.logger.error({ err: error, deviceId }, 'pending runs not dispatched'));
  }

  private drop(deviceId: string, event: string, failure: Ack<Record<string, unknown>> & { ok: false }, ack: AckFn | undefined): void {
    this.metrics.badMessages.inc({ event });
    this.logger.warn({ deviceId, event, details: failure.details }, 'malformed agent message dropped');
    ack?.(failure);
  }
}
