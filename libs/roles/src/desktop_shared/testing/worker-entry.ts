// The desktop worker for specs: `node worker-entry.js desktop-worker` stands in for the agent's
// `borealis-agent desktop-worker` (libs/roles cannot depend on apps/agent).
import { runDesktopWorker } from '../desktop-worker';

if (process.argv[2] === 'desktop-worker') runDesktopWorker();
