// Creates sample contacts for the sync tests and benchmarks through the
// sandbox's batch APIs: N HubSpot contacts (batch/create, 100 per call) and
// N Salesforce Leads (sObject Collections, 200 per call). Emails
// p<i>@example.com for HubSpot i in [0, N) and Salesforce i in
// [N - overlap, 2N - overlap), so `overlap` emails are on both sides.
// usage: node seed_sync.mjs HS_URL SF_URL TOKEN N OVERLAP
const [hs, sf, token, nArg, overlapArg] = process.argv.slice(2);
const n = Number(nArg), overlap = Number(overlapArg);
const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
const cities = ["Milano", "Berlin", "Boston", "London"];

async function post(url, body) {
  const r = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${url}: ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// Lead statuses as each side spells them; the same k gets the same status on
// both sides through crmsync's default value map (R3).
const hsStatus = ["NEW", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED"];
const sfStatus = ["Open - Not Contacted", "Working - Contacted", "Closed - Converted",
  "Closed - Not Converted"];

async function main() {
  for (let i = 0; i < n; i += 100) {
    const inputs = [];
    for (let k = i; k < Math.min(n, i + 100); k++)
      inputs.push({ properties: { email: `p${k}@example.com`, firstname: `First${k}`,
        lastname: `Last${k}`, phone: `+1 555 ${k}`, city: cities[k % 4], hs_lead_status: hsStatus[k % 4] } });
    await post(`${hs}/crm/v3/objects/contacts/batch/create`, { inputs });
  }
  const start = n - overlap;
  for (let i = start; i < start + n; i += 200) {
    const records = [];
    for (let k = i; k < Math.min(start + n, i + 200); k++)
      records.push({ attributes: { type: "Lead" }, Email: `p${k}@example.com`, FirstName: `First${k}`,
        LastName: `Last${k}`, Company: `Company ${k % 50}`, Title: `Title ${k % 7}`, Status: sfStatus[k % 4] });
    const res = await post(`${sf}/services/data/v60.0/composite/sobjects`, { allOrNone: false, records });
    const bad = res.filter((r) => !r.success);
    if (bad.length) throw new Error(`lead create refused: ${JSON.stringify(bad[0])}`);
  }
}
main().catch((e) => { console.error(e.message); process.exit(1); });
