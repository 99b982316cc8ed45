// A stand-in for the systray2 Go helper (no tray host in CI): speaks the same JSON-lines protocol
// on stdin/stdout and is remote-controlled by a spec through a unix socket / named pipe:
//   env FAKE_TRAY_CONTROL=<path>  the spec connects there; every line the agent writes to the
//                                 helper's stdin is forwarded to it, prefixed "stdin ";
//   control commands (one per line): "ready", "click <__id>", "crash <code>", "stderr <text>".
//   env FAKE_TRAY_AUTO_READY=1    say ready at start without waiting for the spec.
// It exits 0 on {"type":"exit"} or when stdin ends, like the real helper.
import { createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

const controlPath = process.env.FAKE_TRAY_CONTROL;
let control: Socket | undefined;
const pending: string[] = [];

function toSpec(line: string): void {
  if (control) control.write(`${line}\n`);
  else pending.push(line);
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
    try {
      if ((JSON.parse(line) as { type?: string }).type === 'exit') setTimeout(() => process.exit(0), 10);
    } catch {
      /* not JSON: ignored, like the real helper */
    }
  })
  .on('close', () => process.exit(0));
