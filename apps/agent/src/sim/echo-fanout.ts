/**
 * The bare echo server's stand-in for `POST /api/jobs`, so the fan-out benchmark has a floor to
 * divide by: `POST /fanout {count?, payload?}` sends one `job.dispatch` to each of the first
 * `count` connected agents (all by default) and answers 201 at once; `run.started` and
 * `run.result` are acked `{ok:true}` and counted per job; `GET /fanout/:id` returns the counts.
 * No validation, no storage: what is left is what Socket.IO and the simulator cost.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Namespace, Socket } from 'socket.io';
import { JobEvents, type Ack, type JobDispatchMessage } from '@borealis/protocol';
import type { PlainAck } from './sim-types';

type ResultAck = Ack<{ duplicate?: boolean }>;

export interface EchoJobCounts {
  id: string;
  total: number;
  started: number;
  /** First result per run: the equivalent of a stored run. */
  results: number;
  /** Results for a run already counted (resends). */
  duplicates: number;
  createdAt: number;
  /** Epoch ms of the last first-result ack; 0 if none yet. */
  lastResultAt: number;
}

const MAX_BODY_BYTES = 64 * 1024;
/** Old jobs are dropped past this, so a long-running echo server does not grow without bound. */
const MAX_JOBS = 100;

export class EchoFanout {
  private readonly jobs = new Map<string, EchoJobCounts>();
  private readonly runs = new Map<string, { job: EchoJobCounts; done: boolean }>();

  constructor(private readonly agents: Namespace) {}

  attach(socket: Socket): void {
    socket.on(JobEvents.started, (msg: unknown, ack?: (a: PlainAck) => void) => {
      const run = this.runs.get(runIdOf(msg));
      if (run) run.job.started++;
      ack?.({ ok: true });
    });
    socket.on(JobEvents.result, (msg: unknown, ack?: (a: ResultAck) => void) => {
      const run = this.runs.get(runIdOf(msg));
      if (!run) return ack?.({ ok: false, code: 'run_not_found', message: 'no such run' });
      if (run.done) {
        run.job.duplicates++;
        return ack?.({ ok: true, duplicate: true });
      }
      run.done = true;
      run.job.results++;
      run.job.lastResultAt = Date.now();
      ack?.({ ok: true });
    });
  }

  /** HTTP handler for the paths above; false for any other path (the caller answers 404). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://echo');
    if (req.method === 'POST' && url.pathname === '/fanout') {
      readJson(req).then(
        (body) => reply(res, 201, this.create(body)),
        (err: unknown) => reply(res, 400, { error: String(err) }),
      );
      return true;
    }
    const match = /^\/fanout\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (req.method === 'GET' && match) {
      const job = this.jobs.get(match[1]);
      reply(res, job ? 200 : 404, job ?? { error: 'no such job' });
      return true;
    }
    return false;
  }

  private create(body: { count?: unknown; payload?: unknown; timeoutSeconds?: unknown }): EchoJobCounts {
    const limit = typeof body.count === 'number' && body.count > 0 ? body.count : Infinity;
    const job: EchoJobCounts = {
      id: randomUUID(), total: 0, started: 0, results: 0, duplicates: 0, createdAt: Date.now(), lastResultAt: 0,
    };
    this.remember(job);
    const timeoutSeconds = typeof body.timeoutSeconds === 'number' ? body.timeoutSeconds : 300;
    for (const socket of this.agents.sockets.values()) {
      if (job.total >= limit) break;
      const message: JobDispatchMessage = {
        runId: randomUUID(), jobId: job.id, role: 'script_exec_system', payload: body.payload ?? { script: 'echo hi' }, timeoutSeconds,
      };
      this.runs.set(message.runId, { job, done: false });
      socket.emit(JobEvents.dispatch, message);
      job.total++;
    }
    return job;
  }

  private remember(job: EchoJobCounts): void {
    if (this.jobs.size >= MAX_JOBS) {
      const oldest = this.jobs.values().next().value as EchoJobCounts;
      this.jobs.delete(oldest.id);
      for (const [runId, run] of this.runs) if (run.job === oldest) this.runs.delete(runId);
    }
    this.jobs.set(job.id, job);
  }
}

function runIdOf(msg: unknown): string {
  const runId = typeof msg === 'object' && msg !== null ? (msg as { runId?: unknown }).runId : undefined;
  return typeof runId === 'string' ? runId : '';
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('body too large'));
      else parts.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      try {
        const text = Buffer.concat(parts).toString('utf8');
        resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
