<#
.SYNOPSIS
  Removes the Borealis agent: ends it, deletes the "Borealis Agent" logon task and the whole
  home folder (exe, credentials, config, outbox, logs, Roles\).
.DESCRIPTION
  A running exe cannot delete itself on Windows, so the installed exe is copied to %TEMP% and the
  copy runs `remove`; the emptied folder is deleted afterwards. The device stays listed on the
  server until you delete it there (DELETE /api/devices/:id).
#>
#Requires -RunAsAdministrator
param([string] $AgentHome = 'C:\Borealis\Agent')
$ErrorActionPreference = 'Stop'
$exe = Join-Path $AgentHome 'borealis-agent.exe'
$code = 0
if (Test-Path -LiteralPath $exe) {
  $tmp = Join-Path $env:TEMP "borealis-agent-remove-$PID.exe"
  Copy-Item -LiteralPath $exe -Destination $tmp -Force
  try {
    & $tmp remove --home $AgentHome
    $code = $LASTEXITCODE
  } finally {
    Remove-Item -LiteralPath $tmp -Force -ErrorAction SilentlyContinue
  }
} else {
  # No exe left (a broken install): remove the task by name.
  & schtasks.exe /Delete /TN 'Borealis Agent' /F 2>$null | Out-Null
}
if (Test-Path -LiteralPath $AgentHome) { Remove-Item -LiteralPath $AgentHome -Recurse -Force }
exit $code
