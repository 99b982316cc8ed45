/** What the logon task runs; Windows paths. */
export interface WindowsTaskSpec {
  binary: string;
  home: string;
  /** `DOMAIN\user` the agent runs as at that user's logon; absent: any member of BUILTIN\Users who logs on. */
  user?: string;
  description?: string;
}

/** BUILTIN\Users by SID, so the task works on every display language. */
export const USERS_GROUP_SID = 'S-1-5-32-545';
/** Every Windows 10 1809+ / Server 2019+ has it; `--headless` runs a console program with no window. */
export const CONHOST = '%SystemRoot%\\System32\\conhost.exe';

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** CommandLineToArgvW quoting: the agent reads these back as argv. */
export function quoteWindowsArg(value: string): string {
  if (value !== '' && !/[\s"]/.test(value)) return value;
  // Backslashes are literal except before a quote; double the ones that end up before one.
  return `"${value.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

export function taskArguments(spec: WindowsTaskSpec): string {
  return ['--headless', quoteWindowsArg(spec.binary), 'run', '--home', quoteWindowsArg(spec.home)].join(' ');
}

/**
 * Task Scheduler XML for the interactive agent (`schtasks /Create /XML`, written as UTF-16 LE).
 * - Logon trigger, InteractiveToken: the agent runs in the user's session (screenshots, macros,
 *   script_exec_currentuser). RunLevel HighestAvailable: for an administrator it runs elevated
 *   without a prompt, which script_exec_system needs to create its ephemeral SYSTEM task.
 * - No console window: conhost.exe --headless hosts the console binary invisibly (the old agent
 *   flashed a console and needed a watchdog).
 * - Restart: RestartOnFailure covers a failed start; a task whose program exits is not "failed"
 *   for Task Scheduler, so the logon trigger also repeats every 5 min and IgnoreNew makes that a
 *   no-op while the agent runs: an agent that exited (unhealthy, crash) is back within 5 minutes.
 * - No time limit, no battery or idle conditions: the agent runs for weeks.
 */
export function renderWindowsTaskXml(spec: WindowsTaskSpec): string {
  const principal = spec.user
    ? `      <UserId>${escapeXml(spec.user)}</UserId>`
    : `      <GroupId>${USERS_GROUP_SID}</GroupId>`;
  const triggerUser = spec.user ? [`      <UserId>${escapeXml(spec.user)}</UserId>`] : [];
  return [
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<Task version="1.3" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
    '  <RegistrationInfo>',
    `    <Description>${escapeXml(spec.description ?? 'Borealis agent (interactive). Written by borealis-agent install; remove with borealis-agent remove.')}</Description>`,
    '    <Author>Borealis</Author>',
    '  </RegistrationInfo>',
    '  <Triggers>',
    '    <LogonTrigger>',
    '      <Enabled>true</Enabled>',
    ...triggerUser,
    '      <Repetition>',
    '        <Interval>PT5M</Interval>',
    '        <StopAtDurationEnd>false</StopAtDurationEnd>',
    '      </Repetition>',
    '    </LogonTrigger>',
    '  </Triggers>',
    '  <Principals>',
    '    <Principal id="Author">',
    principal,
    '      <LogonType>InteractiveToken</LogonType>',
    '      <RunLevel>HighestAvailable</RunLevel>',
    '    </Principal>',
    '  </Principals>',
    '  <Settings>',
    '    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>',
    '    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>',
    '    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>',
    '    <AllowHardTerminate>true</AllowHardTerminate>',
    '    <StartWhenAvailable>true</StartWhenAvailable>',
    '    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>',
    '    <IdleSettings>',
    '      <StopOnIdleEnd>false</StopOnIdleEnd>',
    '      <RestartOnIdle>false</RestartOnIdle>',
    '    </IdleSettings>',
    '    <AllowStartOnDemand>true</AllowStartOnDemand>',
    '    <Enabled>true</Enabled>',
    '    <Hidden>false</Hidden>',
    '    <RunOnlyIfIdle>false</RunOnlyIfIdle>',
    '    <WakeToRun>false</WakeToRun>',
    '    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>',
    '    <Priority>7</Priority>',
    '    <RestartOnFailure>',
    '      <Interval>PT1M</Interval>',
    '      <Count>999</Count>',
    '    </RestartOnFailure>',
    '  </Settings>',
    '  <Actions Context="Author">',
    '    <Exec>',
    `      <Command>${escapeXml(CONHOST)}</Command>`,
    `      <Arguments>${escapeXml(taskArguments(spec))}</Arguments>`,
    `      <WorkingDirectory>${escapeXml(spec.home)}</WorkingDirectory>`,
    '    </Exec>',
    '  </Actions>',
    '</Task>',
    '',
  ].join('\r\n');
}

/** schtasks /XML wants UTF-16 with a byte order mark. */
export function encodeTaskXml(xml: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
}
