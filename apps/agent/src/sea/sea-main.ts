// Entry of the single binary (esbuild bundles this file; see build/build-agent.mjs).
// cli.ts guards its own start with `require.main === module`, which is false inside a bundle,
// so the binary starts the same program from here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../cli';
import { agentHomeFromEnv, embeddedManifest } from './embedded-assets';

/**
 * Hidden diagnostic `borealis-agent __selftest-native [--home DIR]`: loads libnut the way the
 * desktop worker does inside the binary (embedded addon extracted under <home>/native/, dlopen)
 * and prints one JSON line: screen size, what <home>/native/ holds, the embedded manifest.
 * Exit 0 when the addon loaded and answered; 1 otherwise (message on stderr). Needs a display:
 * libnut crashes the process without one, so that is checked first.
 */
async function selftestNative(args: string[]): Promise<number> {
  const at = args.indexOf('--home');
  const home = at >= 0 && args[at + 1] ? args[at + 1]! : agentHomeFromEnv();
  process.env.BOREALIS_AGENT_HOME = home; // what the bundled bindings() call extracts into
  if (process.platform === 'linux' && !process.env.DISPLAY) {
    process.stderr.write('__selftest-native: DISPLAY is not set (libnut needs an X display)\n');
    return 1;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const libnut = require('@nut-tree-fork/libnut') as {
    DefaultScreenAction: new () => { screenWidth(): Promise<number>; screenHeight(): Promise<number> };
  };
  const screen = new libnut.DefaultScreenAction();
  const size = `${await screen.screenWidth()}x${await screen.screenHeight()}`;
  const nativeDir = join(home, 'native');
  const list = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? list(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
  process.stdout.write(`${JSON.stringify({ screen: size, native: list(nativeDir), manifest: embeddedManifest() ?? null })}\n`);
  return 0;
}

if (process.argv[2] === '__selftest-native') {
  selftestNative(process.argv.slice(3)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`__selftest-native: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
} else {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`borealis-agent: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
