<#
.SYNOPSIS
  Installs the Borealis agent from a binary you already have (nothing is downloaded).
.DESCRIPTION
  Run elevated. Creates the home folder (default C:\Borealis\Agent) readable only by SYSTEM,
  Administrators and the agent's user, then runs `borealis-agent.exe install`, which copies the
  exe into the home folder, enrolls, registers the "Borealis Agent" logon task (hidden: conhost
  --headless, elevated for an administrator, restarted if it exits) and starts it.
  Upgrade: run it again with the new exe (credentials are kept; no token needed).
.EXAMPLE
  .\install.ps1 -Binary .\borealis-agent-win-x64.exe -Server https://borealis.example:5000 -EnrollmentToken <token>
#>
#Requires -RunAsAdministrator
param(
  [Parameter(Mandatory = $true)] [string] $Server,
  [string] $EnrollmentToken,
  [string] $Binary = (Join-Path $PSScriptRoot 'borealis-agent-win-x64.exe'),
  [string] $AgentHome = 'C:\Borealis\Agent',
  # The user whose logon starts the agent; -AnyUser starts it for whoever logs on.
  [string] $User = "$env:USERDOMAIN\$env:USERNAME",
  [switch] $AnyUser
)
$ErrorActionPreference = 'Stop'
if (-not (Test-Path -LiteralPath $Binary)) { throw "binary not found: $Binary" }

New-Item -ItemType Directory -Force -Path $AgentHome | Out-Null
# credentials.json lives here: no inherited access; SYSTEM and Administrators full, the agent's user modify.
$grants = @('*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F')
if ($AnyUser) { $grants += '*S-1-5-32-545:(OI)(CI)M' } else { $grants += "${User}:(OI)(CI)M" }
& icacls.exe $AgentHome /inheritance:r /grant:r @grants | Out-Null
if ($LASTEXITCODE -ne 0) { throw "icacls failed on $AgentHome" }

$arguments = @('install', '--server', $Server, '--home', $AgentHome)
if (-not $AnyUser) { $arguments += @('--user', $User) }
if ($EnrollmentToken) { $arguments += @('--enrollment-token', $EnrollmentToken) }
& $Binary @arguments
exit $LASTEXITCODE
