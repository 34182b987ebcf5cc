// Starts `crmsync sandbox` on free ports in a fresh temporary directory for a
// conformance suite, and stops it afterwards. Shared by every *.test.mjs here.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const TOKEN = 'sandbox-token';

export function crmsyncBin() {
  return process.env.CRMSYNC_BIN || join(process.cwd(), 'build', 'crmsync');
}

// Starts `crmsync sandbox` on data directory dir and waits for the lines it
// prints (the two URLs, and the CA file's path with --tls). dir is kept, so a
// restart on it finds what an earlier run stored. Returns { hubspot,
// salesforce, ca, pid, stop() }; stop() ends the process and leaves dir.
export async function startSandboxOn(dir, extraArgs = []) {
  const child = spawn(crmsyncBin(), ['sandbox', '--data', dir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const want = extraArgs.includes('--tls') ? ['hubspot', 'salesforce', 'ca'] : ['hubspot', 'salesforce'];
  const lines = {};
  const rl = createInterface({ input: child.stdout });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sandbox did not start in 20 s')), 20000);
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
    rl.on('line', (line) => {
      const [name, value] = line.trim().split(/\s+/);
      lines[name] = value;
      if (want.every((k) => lines[k])) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    hubspot: lines.hubspot,
    salesforce: lines.salesforce,
    ca: lines.ca,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

// A sandbox in a fresh temporary directory, removed by stop().
// Returns { hubspot, salesforce, ca, dir, pid, stop() }. extraArgs go to the command line.
export async function startSandbox(extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'crmsync-conf-'));
  const sb = await startSandboxOn(dir, extraArgs);
  return {
    ...sb,
    dir,
    async stop() {
      await sb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Plain fetch against the admin API (/__sandbox/...).
export async function admin(baseUrl, method, path, body) {
  const res = await fetch(baseUrl + path, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
