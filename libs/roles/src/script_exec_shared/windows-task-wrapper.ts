/**
 * The PowerShell program an ephemeral SYSTEM task runs (Windows PowerShell 5.1 compatible).
 * Everything variable comes from job.json beside it, so the task definition never carries
 * user data. It leaves, beside itself: started.json (its own pid and the script's, so the
 * agent can kill the tree), stdout.txt and stderr.txt (raw bytes, readable while written) and
 * exit.json ({exitCode} or {error}); the records are written to .tmp and renamed, so the agent
 * never reads half a file.
 */
export const SYSTEM_TASK_WRAPPER = String.raw`$ErrorActionPreference = 'Stop'
$dir = Split-Path -Parent $MyInvocation.MyCommand.Path
function Write-Record([string]$name, $value) {
  $path = Join-Path $dir $name
  [System.IO.File]::WriteAllText("$path.tmp", ($value | ConvertTo-Json -Compress))
  Move-Item -LiteralPath "$path.tmp" -Destination $path -Force
}
function Open-Output([string]$name) {
  # Unbuffered (size 1) and shared for reading, so the agent can stream it while it grows.
  New-Object System.IO.FileStream((Join-Path $dir $name), [System.IO.FileMode]::Create, [System.IO.FileAccess]::Write, [System.IO.FileShare]::ReadWrite, 1)
}
try {
  $job = [System.IO.File]::ReadAllText((Join-Path $dir 'job.json')) | ConvertFrom-Json
  $psi = New-Object System.Diagnostics.ProcessStartInfo
  $psi.FileName = $job.fileName
  $psi.Arguments = $job.arguments
  $psi.WorkingDirectory = $dir
  $psi.UseShellExecute = $false
  $psi.CreateNoWindow = $true
  $psi.RedirectStandardOutput = $true
  $psi.RedirectStandardError = $true
  foreach ($p in $job.env.PSObject.Properties) { $psi.EnvironmentVariables[$p.Name] = [string]$p.Value }
  $out = Open-Output 'stdout.txt'
  $err = Open-Output 'stderr.txt'
  $proc = [System.Diagnostics.Process]::Start($psi)
  Write-Record 'started.json' @{ wrapperPid = $PID; pid = $proc.Id }
  $copies = [System.Threading.Tasks.Task[]]@($proc.StandardOutput.BaseStream.CopyToAsync($out), $proc.StandardError.BaseStream.CopyToAsync($err))
  $proc.WaitForExit()
  # A background child may hold the pipes open: do not wait for it forever.
  [void][System.Threading.Tasks.Task]::WaitAll($copies, 5000)
  $out.Dispose()
  $err.Dispose()
  Write-Record 'exit.json' @{ exitCode = $proc.ExitCode }
} catch {
  Write-Record 'exit.json' @{ error = [string]$_.Exception.Message }
}
`;
