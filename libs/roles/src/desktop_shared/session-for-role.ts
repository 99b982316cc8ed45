import type { RoleContext } from '../core';
import { DesktopSession } from './desktop-session';

/**
 * The desktop session of one role instance. The worker gets the agent's home in
 * BOREALIS_AGENT_HOME: inside the single binary it extracts the embedded screen library addon
 * under `<home>/native/`, and it must not fall back to the working directory.
 */
export function desktopSessionFor(context: RoleContext): DesktopSession {
  return new DesktopSession({
    command: context.agent.selfCommand,
    os: context.agent.os,
    logger: context.logger,
    env: { ...process.env, BOREALIS_AGENT_HOME: context.agent.home },
  });
}
