// Driver of bench/latency.sh and bench/chaos.sh: edits random linked records
// on both sides through the sandbox at a steady rate while `crmsync run`
// syncs them, and logs every edit.
//
// latency mode: each edit is followed to the other side: `fax` (two_way in
// the benchmark's configuration) on a HubSpot contact must reach its Lead's
// Fax, `Title` on a Lead must reach the contact's `jobtitle`. A poller reads
// the pending records in batches (HubSpot batch/read, SOQL Id IN) every
// POLL_MS; a record's arrival time is the modification time the other side
// stamped on it (lastmodifieddate, SystemModstamp) when that lies between
// the edit and the poll, else the poll's time. A pair is not edited again
// while one of its edits is on its way, so each arrival belongs to one edit.
// After the run it waits up to DRAIN seconds for the last edits.
// Prints one JSON line: per direction the edits, arrivals, p50/p95/p99/max
// in ms, and the edits that never arrived.
//
// chaos mode: the same edits, not followed; each edit is retried until the
// API confirms it (faults may be in force) and appended to LOG as a JSON
// line {side, id, email, field, value, at}. Runs until SIGTERM or DURATION.
// `node latency.mjs verify HS SF TOKEN LOG` then checks that each record's
// last logged edit is on both sides; prints "edits records lost" and lists
// up to 20 lost ones on stderr.
//
// usage: node bench/latency.mjs latency HS SF TOKEN DURATION_S RATE_PER_MIN [DRAIN_S]
//        node bench/latency.mjs chaos HS SF TOKEN DURATION_S RATE_PER_MIN LOG
//        node bench/latency.mjs verify HS SF TOKEN LOG
import fs from "node:fs";

const [mode, hs, sf, token, a4, a5, a6] = process.argv.slice(2);
const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
const V = "v60.0";
const POLL_MS = 250;
const key = (e) => (e ? String(e).trim().toLowerCase() : "");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(method, url, body) {
  const r = await fetch(url, { method, headers, body: body && JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

// retried: call until it answers 2xx (chaos: 429, 500, dropped connections).
async function retried(method, url, body) {
  for (let i = 0; ; i++) {
    try {
      return await call(method, url, body);
    } catch (e) {
      if (i >= 50) throw e;
      await sleep(Math.min(2000, 50 * 2 ** Math.min(i, 5)));
    }
  }
}

async function soqlAll(soql) {
  let b = await retried("GET", `${sf}/services/data/${V}/query?q=${encodeURIComponent(soql)}`);
  const out = [...b.records];
  while (!b.done) {
    b = await retried("GET", `${sf}${b.nextRecordsUrl}`);
    out.push(...b.records);
  }
  return out;
}

async function hsAll(props) {
  const out = [];
  let after;
  for (;;) {
    const b = await retried("GET",
      `${hs}/crm/v3/objects/contacts?limit=100&properties=${props.join(",")}${after ? `&after=${after}` : ""}`);
    out.push(...b.results);
    if (!b.paging) break;
    after = b.paging.next.after;
  }
  return out;
}

// pairs: HubSpot contact id and Lead Id per email on both sides.
async function pairs() {
  const contacts = await hsAll(["email"]);
  const leads = await soqlAll("SELECT Id, Email FROM Lead WHERE IsConverted = false");
  const byEmail = new Map(leads.map((l) => [key(l.Email), l.Id]));
  const out = [];
  for (const c of contacts) {
    const sfId = byEmail.get(key(c.properties.email));
    if (sfId) out.push({ hsId: c.id, sfId, email: key(c.properties.email) });
  }
  if (!out.length) throw new Error("no linked pairs to edit: run a sync first");
  return out;
}

// SF timestamps end in +0000; Date.parse wants +00:00.
const parseTime = (s) => (s ? Date.parse(String(s).replace(/([+-]\d\d)(\d\d)$/, "$1:$2")) : NaN);

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function editLoop(list, durationS, ratePerMin, busy, onEdit, stop) {
  const every = 60000 / ratePerMin;
  const start = Date.now();
  let seq = 0;
  const inflight = new Set();
  for (let i = 0; ; i++) {
    const due = start + i * every;
    if (due - start >= durationS * 1000 || stop()) break;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    let pair;
    for (let tries = 0; tries < 20; tries++) {
      const p = list[Math.floor(Math.random() * list.length)];
      if (!busy.has(p.email)) { pair = p; break; }
    }
    if (!pair) continue;
    busy.add(pair.email);
    // Edits are sent at the rate, not one after the other's answer.
    const job = onEdit(pair, ++seq).catch((e) => { busy.delete(pair.email); console.error(`edit: ${e.message}`); });
    inflight.add(job);
    job.finally(() => inflight.delete(job));
  }
  await Promise.all([...inflight]);
}

async function latency(durationS, rate, drainS) {
  const list = await pairs();
  const busy = new Set();
  const pendingSf = new Map(); // Lead Id -> {value, at, email}: HubSpot edits on their way
  const pendingHs = new Map(); // contact id -> {value, at, email}: Salesforce edits on their way
  const res = { hs_to_sf: [], sf_to_hs: [] };
  const tag = Date.now().toString(36);
  const hsEdit = async (p, n) => {
    const value = `+1 555 ${tag} h${n}`;
    await retried("PATCH", `${hs}/crm/v3/objects/contacts/${p.hsId}`, { properties: { fax: value } });
    pendingSf.set(p.sfId, { value, at: Date.now(), email: p.email });
  };
  const sfEdit = async (p, n) => {
    const value = `Lat ${tag} s${n}`;
    await retried("PATCH", `${sf}/services/data/${V}/sobjects/Lead/${p.sfId}`, { Title: value });
    pendingHs.set(p.hsId, { value, at: Date.now(), email: p.email });
  };
  let editing = true;
  let drainUntil = Infinity;
  const poller = (async () => {
    while (editing || pendingSf.size || pendingHs.size) {
      const t = Date.now();
      const sfIds = [...pendingSf.keys()];
      for (let i = 0; i < sfIds.length; i += 200) {
        const ids = sfIds.slice(i, i + 200).map((id) => `'${id}'`).join(",");
        const rows = await soqlAll(`SELECT Id, Fax, SystemModstamp FROM Lead WHERE Id IN (${ids})`);
        const now = Date.now();
        for (const r of rows) {
          const e = pendingSf.get(r.Id);
          if (!e || r.Fax !== e.value) continue;
          const m = parseTime(r.SystemModstamp);
          const at = m >= e.at - 5 && m <= now ? m : now;
          res.hs_to_sf.push(Math.max(0, at - e.at));
          pendingSf.delete(r.Id);
          busy.delete(e.email);
        }
      }
      const hsIds = [...pendingHs.keys()];
      for (let i = 0; i < hsIds.length; i += 100) {
        const b = await retried("POST", `${hs}/crm/v3/objects/contacts/batch/read`, {
          inputs: hsIds.slice(i, i + 100).map((id) => ({ id })), properties: ["jobtitle", "lastmodifieddate"] });
        const now = Date.now();
        for (const r of b.results) {
          const e = pendingHs.get(r.id);
          if (!e || r.properties.jobtitle !== e.value) continue;
          const m = parseTime(r.properties.lastmodifieddate ?? r.updatedAt);
          const at = m >= e.at - 5 && m <= now ? m : now;
          res.sf_to_hs.push(Math.max(0, at - e.at));
          pendingHs.delete(r.id);
          busy.delete(e.email);
        }
      }
      if (!editing && Date.now() > drainUntil) break;
      const rest = POLL_MS - (Date.now() - t);
      if (rest > 0) await sleep(rest);
    }
  })();
  await Promise.all([
    editLoop(list, durationS, rate, busy, hsEdit, () => false),
    editLoop(list, durationS, rate, busy, sfEdit, () => false),
  ]);
  drainUntil = Date.now() + drainS * 1000;
  editing = false;
  await poller;
  const out = { duration_s: durationS, rate_per_min_per_side: rate, pairs: list.length };
  for (const [dir, lat, left] of [["hs_to_sf", res.hs_to_sf, pendingSf], ["sf_to_hs", res.sf_to_hs, pendingHs]]) {
    lat.sort((x, y) => x - y);
    out[dir] = { arrived: lat.length, not_arrived: left.size, p50_ms: percentile(lat, 50),
      p95_ms: percentile(lat, 95), p99_ms: percentile(lat, 99), max_ms: lat.length ? lat[lat.length - 1] : null };
  }
  const all = [...res.hs_to_sf, ...res.sf_to_hs].sort((x, y) => x - y);
  out.all = { arrived: all.length, not_arrived: pendingSf.size + pendingHs.size, p50_ms: percentile(all, 50),
    p95_ms: percentile(all, 95), p99_ms: percentile(all, 99), max_ms: all.length ? all[all.length - 1] : null };
  console.log(JSON.stringify(out));
}

async function chaos(durationS, rate, log) {
  const list = await pairs();
  const busy = new Set();
  const fd = fs.openSync(log, "a");
  const tag = Date.now().toString(36);
  let stopping = false;
  process.on("SIGTERM", () => { stopping = true; });
  const record = (side, id, email, field, value) => {
    fs.writeSync(fd, JSON.stringify({ side, id, email, field, value, at: Date.now() }) + "\n");
  };
  const hsEdit = async (p, n) => {
    const value = `+1 555 ${tag} h${n}`;
    try {
      await retried("PATCH", `${hs}/crm/v3/objects/contacts/${p.hsId}`, { properties: { fax: value } });
      record("hubspot", p.hsId, p.email, "fax", value);
    } finally { busy.delete(p.email); }
  };
  const sfEdit = async (p, n) => {
    const value = `Chaos ${tag} s${n}`;
    try {
      await retried("PATCH", `${sf}/services/data/${V}/sobjects/Lead/${p.sfId}`, { Title: value });
      record("salesforce", p.sfId, p.email, "Title", value);
    } finally { busy.delete(p.email); }
  };
  await Promise.all([
    editLoop(list, durationS, rate, busy, hsEdit, () => stopping),
    editLoop(list, durationS, rate, busy, sfEdit, () => stopping),
  ]);
  fs.closeSync(fd);
}

// verify: the last logged edit of each record and field is on both sides.
async function verify(log) {
  const last = new Map();
  let edits = 0;
  for (const line of fs.readFileSync(log, "utf8").split("\n")) {
    if (!line) continue;
    const e = JSON.parse(line);
    edits++;
    last.set(`${e.email} ${e.field}`, e);
  }
  const contacts = await hsAll(["email", "fax", "jobtitle"]);
  const leads = await soqlAll("SELECT Id, Email, Fax, Title FROM Lead WHERE IsConverted = false");
  const hsBy = new Map(contacts.map((c) => [key(c.properties.email), c.properties]));
  const sfBy = new Map(leads.map((l) => [key(l.Email), l]));
  const lost = [];
  for (const e of last.values()) {
    const h = hsBy.get(e.email), s = sfBy.get(e.email);
    const hv = e.field === "fax" ? h?.fax : h?.jobtitle;
    const sv = e.field === "fax" ? s?.Fax : s?.Title;
    if (hv !== e.value || sv !== e.value) lost.push({ ...e, hubspot: hv ?? null, salesforce: sv ?? null });
  }
  console.log(`${edits} ${last.size} ${lost.length}`);
  for (const l of lost.slice(0, 20)) console.error(JSON.stringify(l));
}

const usage = "usage: node bench/latency.mjs latency|chaos|verify HS SF TOKEN ...";
let run;
if (mode === "latency") run = () => latency(Number(a4), Number(a5), Number(a6 ?? 30));
else if (mode === "chaos") run = () => chaos(Number(a4), Number(a5), a6);
else if (mode === "verify") run = () => verify(a4);
if (!run || !hs || !sf || !token) {
  console.error(usage);
  process.exit(2);
}
run().catch((e) => { console.error(`${mode}: ${e.message}`); process.exit(1); });
