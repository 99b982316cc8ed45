import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialsStore } from '../home/credentials-store';
import { AgentInstaller, type InstallerDeps } from './agent-installer';
import { AgentRemover } from './agent-remover';
import type { CredentialsProbe } from './enroll-now';
import type { InstallLayout } from './install-layout';
import { readInstallRecord } from './install-record';
import type { ServiceBackend, ServiceKind } from './service-backend';

/** Records calls; "starting" writes agent.pid with this (live) process's pid, as the real agent would. */
class FakeBackend implements ServiceBackend {
  calls: string[] = [];
  registered = false;
  current = true;
  constructor(readonly kind: ServiceKind) {}
  async install(layout: InstallLayout) { this.calls.push('install'); this.registered = true; this.current = true; this.writePid(layout); }
  isRegistered() { return this.registered; }
  registrationCurrent() { return this.current; }
  async start(layout: InstallLayout) { this.calls.push('start'); this.writePid(layout); }
  async stop(layout: InstallLayout) { this.calls.push('stop'); rmSync(join(layout.home, 'agent.pid'), { force: true }); }
  async unregister(layout: InstallLayout) { this.calls.push('unregister'); this.registered = false; await this.stop(layout); }
  private writePid(layout: InstallLayout) { writeFileSync(join(layout.home, 'agent.pid'), `${process.pid}\n`); }
}

describe('AgentInstaller and AgentRemover (fake service manager and server)', () => {
  let dir: string;
  let home: string;
  let source: string;
  let backend: FakeBackend;
  let said: string[];
  let enrolls: string[];
  let probe: CredentialsProbe;
  let deps: InstallerDeps;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'borealis-installer-'));
    home = join(dir, 'opt', 'borealis-agent');
    source = join(dir, 'download', 'borealis-agent-linux-x64');
    mkdirSync(join(dir, 'download'));
    writeFileSync(source, 'binary v1');
    backend = new FakeBackend('systemd');
    said = [];
    enrolls = [];
    probe = 'accepted';
    deps = {
      platform: 'linux',
      sourceBinary: source,
      say: (line) => said.push(line),
      choose: () => ({ backend }),
      ofKind: () => backend,
      enroll: async (h, serverUrl, token) => {
        if (token === 'bad') throw new Error('enrollment refused by the server: enrollment_token_invalid');
        enrolls.push(token);
        const credentials = { agentId: `agent-${enrolls.length}`, secret: 's3cret', serverUrl };
        new CredentialsStore(h).save(credentials);
        return credentials;
      },
      probe: async () => probe,
      startTimeoutMs: 2_000,
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('install copies the binary, writes config and install.json, enrolls, registers and waits for the agent', async () => {
    const kind = await new AgentInstaller(deps).install({ home, serverUrl: 'http://srv:5000', enrollmentToken: 'tok' });
    assert.equal(kind, 'systemd');
    assert.equal(readFileSync(join(home, 'borealis-agent'), 'utf8'), 'binary v1');
    assert.equal(statSync(join(home, 'borealis-agent')).mode & 0o777, 0o755);
    assert.deepEqual(JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')), { serverUrl: 'http://srv:5000' });
    assert.equal(readInstallRecord(home)?.service, 'systemd');
    assert.deepEqual(enrolls, ['tok']);
    assert.deepEqual(backend.calls, ['install']);
    assert.match(said.at(-1)!, /installed in .* as systemd \(borealis-agent\); agent running, pid \d+/);
  });

  it('a refused token fails the install before anything is registered or started', async () => {
    await assert.rejects(new AgentInstaller(deps).install({ home, serverUrl: 'http://srv:5000', enrollmentToken: 'bad' }), /enrollment_token_invalid/);
    assert.deepEqual(backend.calls, []);
  });

  it('a second install upgrades in place: stops, copies the new binary, keeps the credentials', async () => {
    const installer = new AgentInstaller(deps);
    await installer.install({ home, serverUrl: 'http://srv:5000', enrollmentToken: 'tok' });
    writeFileSync(source, 'binary v2');
    await installer.install({ home, serverUrl: 'http://srv:5000' });
    assert.equal(readFileSync(join(home, 'borealis-agent'), 'utf8'), 'binary v2');
    assert.deepEqual(enrolls, ['tok'], 'no second enrollment');
    assert.deepEqual(backend.calls, ['install', 'stop', 'install']);
  });

  it('repair rewrites a missing registration and restarts', async () => {
    const installer = new AgentInstaller(deps);
    await installer.install({ home, serverUrl: 'http://srv:5000', enrollmentToken: 'tok' });
    backend.registered = false;
    backend.calls = [];
    const actions = await installer.repair({ home });
    assert.deepEqual(actions, ['systemd registration written and agent restarted']);
    assert.deepEqual(backend.calls, ['install']);
  });

  it('repair starts a stopped agent and restores a deleted binary', async () => {
    const installer = new AgentInstaller(deps);
    await installer.install({ home, serverUrl: 'http://srv:5000', enrollmentToken: 'tok' });
    await backend.stop({ home, binary: '', serviceName: '' });
    backend.calls = [];
    assert.deepEqual(await installer.repair({ home }), ['agent started']);
    rmSync(join(home, 'borealis-agent'));
    backend.calls = [];
    const actions = await installer.repair({ home });
    assert.equal(readFileSync(join(home, 'borealis-agent'), 'utf8'), 'binary v1');
    assert.deepEqual(actions, ['binary copied', 'systemd registration written and agent restarted']);
  });

  it('repair re-enrolls when the server refuses the credentials and a token is given; says what to do without one', async () => {
    const installer = new AgentInstaller(deps);
    await installer.install({ home, serverUrl: 'http://srv:5000', enrollmentToken: 'tok' });
    probe = 'refused';
    await assert.rejects(installer.repair({ home }), /refuses the credentials of agent agent-1 .* pass --enrollment-token/);
    const actions = await installer.repair({ home, enrollmentToken: 'tok2' });
    assert.deepEqual(enrolls, ['tok', 'tok2']);
    assert.equal(new CredentialsStore(home).load()?.agentId, 'agent-2');
    assert.deepEqual(actions, ['enrolled again', 'systemd registration written and agent restarted']);
    probe = 'unreachable';
    assert.deepEqual(await installer.repair({ home }), [], 'an unreachable server is no reason to drop credentials');
  });

  it('repair of a home that does not exist says to install', async () => {
    await assert.rejects(new AgentInstaller(deps).repair({ home }), /nothing installed .* run install/);
  });

  it('remove unregisters, stops and deletes the whole home; refuses folders that are not an agent home', async () => {
    await new AgentInstaller(deps).install({ home, serverUrl: 'http://srv:5000', enrollmentToken: 'tok' });
    mkdirSync(join(home, 'Roles'));
    rmSync(join(home, 'agent.pid')); // our own pid: the remover must not signal the test process
    const remover = new AgentRemover({ platform: 'linux', say: (l) => said.push(l), ofKind: () => backend, execPath: process.execPath });
    const { problems } = await remover.remove(home);
    assert.deepEqual(problems, []);
    assert.equal(existsSync(home), false);
    assert.ok(backend.calls.includes('unregister'));
    const notAHome = join(dir, 'download');
    await assert.rejects(remover.remove(notAHome), /does not look like an agent home/);
    assert.ok(existsSync(source));
  });
});
