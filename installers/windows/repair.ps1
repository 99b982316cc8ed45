<#
.SYNOPSIS
  Repairs a Borealis agent install: restores the exe, config, logon task and process; enrolls
  again when the server refuses the credentials and -EnrollmentToken is given.
.EXAMPLE
  .\repair.ps1                                  # uses the server in C:\Borealis\Agent\config.json
  .\repair.ps1 -EnrollmentToken <token>         # after the device was deleted on the server
  .\repair.ps1 -Binary .\borealis-agent-win-x64.exe   # also upgrades to this exe
#>
#Requires -RunAsAdministrator
param(
  [string] $Server,
  [string] $EnrollmentToken,
  [string] $Binary,
  [string] $AgentHome = 'C:\Borealis\Agent'
)
$ErrorActionPreference = 'Stop'
$exe = if ($Binary) { $Binary } else { Join-Path $AgentHome 'borealis-agent.exe' }
if (-not (Test-Path -LiteralPath $exe)) { throw "no agent exe at ${exe}: pass -Binary <path to borealis-agent-win-x64.exe>" }

$arguments = @('repair', '--home', $AgentHome)
if ($Server) { $arguments += @('--server', $Server) }
if ($EnrollmentToken) { $arguments += @('--enrollment-token', $EnrollmentToken) }
if ($Binary) {
  # Repair replaces the installed exe, which cannot be done while it runs from there: run a copy.
  $tmp = Join-Path $env:TEMP "borealis-agent-repair-$PID.exe"
  Copy-Item -LiteralPath $Binary -Destination $tmp -Force
  $exe = $tmp
  $arguments += @('--binary', (Resolve-Path -LiteralPath $Binary).Path)
}
try {
  & $exe @arguments
  $code = $LASTEXITCODE
} finally {
  if ($Binary) { Remove-Item -LiteralPath $exe -Force -ErrorAction SilentlyContinue }
}
exit $code
