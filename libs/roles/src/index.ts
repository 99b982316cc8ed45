export * from './core';
// Importing the manifest runs every role's @Role decorator, filling `roleRegistry`.
export { ROLE_FOLDERS } from './all';
export { runDesktopWorker } from './desktop_shared/desktop-worker';
