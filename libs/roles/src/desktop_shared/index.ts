export * from './desktop-error';
export * from './desktop-session';
export { runDesktopWorker } from './desktop-worker';
export { DESKTOP_WORKER_COMMAND } from './worker-protocol';
export * from './abortable-sleep';
export * from './session-for-role';
