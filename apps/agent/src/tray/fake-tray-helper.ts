// A stand-in for the systray2 Go helper (no tray host in CI): speaks the same JSON-lines protocol
// on stdin/stdout and is remote-controlled by a spec through a unix socket / named pipe:
//   env FAKE_TRAY_CONTROL=<path>  the spec connects there; every line the agent writes to the
//                                 helper's stdin is forwarded to it, prefixed "stdin ", and every
//                                 protocol error prefixed "error ";
//   control commands (one per line): "ready", "click <__id>", "crash <code>", "stderr <text>".
//   env FAKE_TRAY_AUTO_READY=1    say ready at start without waiting for the spec.
// It exits 0 on {"type":"exit"} or when stdin ends, like the real helper, and, unlike it, reports
// a message the real helper would silently ignore (an unknown type, an item without __id) on
// stderr with "protocol error", so a spec sees it.
import { createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

const controlPath = process.env.FAKE_TRAY_CONTROL;
let control: Socket | undefined;
const pending: string[] = [];

function toSpec(line: string): void {
  if (control) control.write(`${line}\n`);
  else pending.push(line);
}

/** To stderr and to the spec ("error ..." on the control socket). */
function protocolError(text: string): void {
  process.stderr.write(`protocol error: ${text}\n`);
  toSpec(`error ${text}`);
}

function say(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

if (controlPath) {
  const server = createServer((socket) => {
    control = socket;
    for (const line of pending.splice(0)) socket.write(`${line}\n`);
    createInterface({ input: socket }).on('line', (command) => {
      const [verb, arg] = command.split(' ', 2);
      if (verb === 'ready') say({ type: 'ready' });
      else if (verb === 'click') say({ type: 'clicked', __id: Number(arg), seq_id: Number(arg) - 1, item: {} });
      else if (verb === 'stderr') process.stderr.write(`${command.slice(7)}\n`);
      else if (verb === 'crash') process.exit(Number(arg ?? 2));
    });
  });
  server.listen(controlPath);
  server.unref();
}
if (process.env.FAKE_TRAY_AUTO_READY === '1') say({ type: 'ready' });

createInterface({ input: process.stdin })
  .on('line', (line) => {
    toSpec(`stdin ${line}`);
    let message: { type?: string; items?: unknown; item?: { __id?: unknown } };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      protocolError(`not JSON: ${line.slice(0, 80)}`);
      return;
    }
    if (message.type === 'exit') {
      setTimeout(() => process.exit(0), 10);
      return;
    }
    const known = message.type === undefined ? Array.isArray(message.items) : ['update-item', 'update-menu', 'update-item-and-menu'].includes(message.type);
    const itemOk = !message.type?.startsWith('update-item') || typeof message.item?.__id === 'number';
    if (!known || !itemOk) protocolError(`the real helper would ignore ${line.slice(0, 120)}`);
  })
  .on('close', () => process.exit(0));
