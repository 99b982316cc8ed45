// Entry of the single binary (esbuild bundles this file; see build/build-agent.mjs).
// cli.ts guards its own start with `require.main === module`, which is false inside a bundle,
// so the binary starts the same program from here.
import { buildProgram } from '../cli';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`borealis-agent: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
