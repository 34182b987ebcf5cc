// Salesforce /composite against sObject Collections on the same work: N
// Contacts created as collections of 200 per call, then as /composite calls
// of 5 collections of 200, alternating for two rounds in one sandbox. Prints
// wall time, records/s and the sandbox process's CPU time of each run; on a
// loaded machine the CPU time is the steadier comparison.
// Usage: CRMSYNC_BIN=build/crmsync node bench/sf_composite.mjs [N]
import { readFileSync } from 'node:fs';

import { startSandbox, TOKEN } from '../tests/conformance/sandbox.mjs';

const N = Number(process.argv[2] || 100000);
const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// user + system CPU seconds of a process
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const contacts = (from, n, tag) =>
  Array.from({ length: n }, (_, k) => ({
    attributes: { type: 'Contact' },
    Email: `${tag}${from + k}@example.net`,
    LastName: `L${from + k}`,
  }));

const sb = await startSandbox(['--salesforce-daily-limit', '0']);
const base = `${sb.salesforce}/services/data/v60.0`;
const rows = [];
async function run(name, calls, fn) {
  const cpu0 = cpuSeconds(sb.pid);
  const t0 = process.hrtime.bigint();
  const created = await fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (created !== N) throw new Error(`${name}: created ${created} of ${N}`);
  rows.push(`| ${name} | ${N} | ${calls} | ${s.toFixed(2)} | ${Math.round(N / s)} | ${(cpuSeconds(sb.pid) - cpu0).toFixed(2)} |`);
}

try {
  for (let round = 1; round <= 2; round++) {
    await run(`collections 200/call, round ${round}`, Math.ceil(N / 200), async () => {
      let ok = 0;
      for (let i = 0; i < N; i += 200) {
        const res = await post(`${base}/composite/sobjects`, { allOrNone: false, records: contacts(i, Math.min(200, N - i), `a${round}_`) });
        ok += res.filter((r) => r.success).length;
      }
      return ok;
    });
    await run(`/composite 5 × 200/call, round ${round}`, Math.ceil(N / 1000), async () => {
      let ok = 0;
      for (let i = 0; i < N; i += 1000) {
        const compositeRequest = [];
        for (let c = i; c < Math.min(N, i + 1000); c += 200)
          compositeRequest.push({
            method: 'POST',
            url: '/services/data/v60.0/composite/sobjects',
            referenceId: `c${c}`,
            body: { allOrNone: false, records: contacts(c, Math.min(200, N - c), `b${round}_`) },
          });
        const res = await post(`${base}/composite`, { allOrNone: false, compositeRequest });
        for (const sub of res.compositeResponse) ok += sub.body.filter((r) => r.success).length;
      }
      return ok;
    });
  }
  console.log('| run | records | calls | seconds | records/s | sandbox CPU s |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
} finally {
  await sb.stop();
}
