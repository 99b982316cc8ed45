import type { ScriptFile, ShellInvocation } from './shell-command';
import { quoteWindowsArg, toWindowsCommandLine } from './windows-command-line';
import { SYSTEM_TASK_WRAPPER } from './windows-task-wrapper';

/** A helper command: program and arguments (run through a ProcessRunner, never a shell). */
export interface TaskCommand {
  file: string;
  args: string[];
}

export interface SystemTaskPlanInput {
  runId: string;
  /** The run folder and a file in it, as Windows paths. */
  dir: string;
  pathOf(name: string): string;
  systemRoot: string;
  timeoutMs: number;
  /** The shell command the task runs (already built for Windows). */
  invocation: ShellInvocation;
  /** The payload's variables, set on top of SYSTEM's own environment. */
  env: Readonly<Record<string, string>>;
}

/** Everything a SYSTEM run through an ephemeral scheduled task needs, computed without side effects. */
export interface SystemTaskPlan {
  taskName: string;
  files: ScriptFile[];
  /** Files the wrapper writes: started marker (pids), the two streams, the exit record. */
  outputs: { started: string; stdout: string; stderr: string; exit: string };
  create: TaskCommand;
  run: TaskCommand;
  end: TaskCommand;
  delete: TaskCommand;
  killTree(pid: number): TaskCommand;
}

/** The state cleanup depends on. */
export interface SystemTaskState {
  createAttempted: boolean;
  /** `schtasks /Run` was issued: the task may be running. */
  runAttempted: boolean;
  /** The wrapper wrote its exit record: nothing is running any more. */
  finished: boolean;
  /** From the started marker: the wrapper and the script process it started. */
  pids: number[];
}

/** `Borealis\Run-<runId>`: one folder in Task Scheduler holds every temporary task, one task per run. */
export function systemTaskName(runId: string): string {
  return `Borealis\\Run-${runId.replace(/[^A-Za-z0-9-]/g, '_')}`;
}

export function buildSystemTaskPlan(input: SystemTaskPlanInput): SystemTaskPlan {
  const taskName = systemTaskName(input.runId);
  const system32 = `${input.systemRoot}\\System32`;
  const schtasks = `${system32}\\schtasks.exe`;
  const xmlPath = input.pathOf('task.xml');
  const job = {
    fileName: input.invocation.file,
    arguments: toWindowsCommandLine(input.invocation.args, input.invocation.windowsVerbatimArguments),
    env: input.env,
  };
  return {
    taskName,
    files: [
      // BOM: Windows PowerShell 5.1 reads BOM-less files in the ANSI code page.
      { name: 'wrapper.ps1', data: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SYSTEM_TASK_WRAPPER, 'utf8')]) },
      { name: 'job.json', data: Buffer.from(JSON.stringify(job), 'utf8') },
      // schtasks /XML expects UTF-16 with a BOM, matching the encoding the declaration names.
      { name: 'task.xml', data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(systemTaskXml(input), 'utf16le')]) },
    ],
    outputs: {
      started: input.pathOf('started.json'),
      stdout: input.pathOf('stdout.txt'),
      stderr: input.pathOf('stderr.txt'),
      exit: input.pathOf('exit.json'),
    },
    create: { file: schtasks, args: ['/Create', '/TN', taskName, '/XML', xmlPath, '/F'] },
    run: { file: schtasks, args: ['/Run', '/TN', taskName] },
    end: { file: schtasks, args: ['/End', '/TN', taskName] },
    delete: { file: schtasks, args: ['/Delete', '/TN', taskName, '/F'] },
    killTree: (pid) => ({ file: `${system32}\\taskkill.exe`, args: ['/PID', String(pid), '/T', '/F'] }),
  };
}

/**
 * What to run after a SYSTEM task, in order. Unfinished: kill the process trees first (while
 * the wrapper is alive taskkill /T can still see its children), then end the task if it was
 * started. Always delete the task once creating it was attempted: a half-created task must
 * not stay behind.
 */
export function systemTaskCleanup(plan: SystemTaskPlan, state: SystemTaskState): TaskCommand[] {
  const commands: TaskCommand[] = [];
  if (!state.finished) {
    commands.push(...state.pids.map((pid) => plan.killTree(pid)));
    if (state.runAttempted) commands.push(plan.end);
  }
  if (state.createAttempted) commands.push(plan.delete);
  return commands;
}

/** Task definition: SYSTEM (S-1-5-18), highest privileges, no trigger (started on demand), hidden. */
export function systemTaskXml(input: SystemTaskPlanInput): string {
  const powershell = `${input.systemRoot}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`;
  const args = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-WindowStyle', 'Hidden', '-File', input.pathOf('wrapper.ps1')];
  // A safety net should the agent die mid-run: Task Scheduler stops the task itself a little after the job timeout.
  const limitMinutes = Math.ceil(input.timeoutMs / 60_000) + 5;
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>${xmlEscape(`Borealis script run ${input.runId} (temporary: the agent deletes it)`)}</Description>
  </RegistrationInfo>
  <Principals>
    <Principal id="Author">
      <UserId>S-1-5-18</UserId>
      <LogonType>ServiceAccount</LogonType>
      <RunLevel>HighestAvailable</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <AllowHardTerminate>true</AllowHardTerminate>
    <StartWhenAvailable>false</StartWhenAvailable>
    <AllowStartOnDemand>true</AllowStartOnDemand>
    <Enabled>true</Enabled>
    <Hidden>true</Hidden>
    <ExecutionTimeLimit>PT${limitMinutes}M</ExecutionTimeLimit>
    <Priority>7</Priority>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xmlEscape(powershell)}</Command>
      <Arguments>${xmlEscape(args.map(quoteWindowsArg).join(' '))}</Arguments>
      <WorkingDirectory>${xmlEscape(input.dir)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
`;
}

export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
