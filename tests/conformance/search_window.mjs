// The HubSpot change scan's paging, as the engine's connector walks a
// search window (hubspot_scan.c): "lastmodifieddate LTE upper"; range pages
// sorted by lastmodifieddate whose next page asks for the rest of the last
// time T (hs_object_id NOT_IN the ids already read at T) OR a later time; a
// page all at one time switches to tie pages (EQ T, hs_object_id GT the last
// id, sorted by id). No offset, so the 10,000-result cap never applies.
// Shared by the conformance test of the sandbox's search
// (search_window.test.mjs) and the benchmark of it (bench/search_scan.mjs).
const MOD = 'lastmodifieddate';
const f = (propertyName, operator, value) => ({ propertyName, operator, value: String(value) });

export class WindowScan {
  // upper: the window's end (ms); since: its start (-1: from the beginning).
  constructor(upper, since = -1) {
    this.upper = upper;
    this.pos = since;
    this.posDone = false;
    this.tie = false;
    this.tieAfter = '';
    this.tieIds = new Set();
    this.done = false;
    this.twoGroups = 0; // range pages that carried the NOT_IN group
  }

  // The next page's search body.
  request(limit, properties = ['email', MOD]) {
    const filters = [f(MOD, 'LTE', this.upper)];
    const groups = [{ filters }];
    if (this.tie) {
      filters.push(f(MOD, 'EQ', this.pos));
      if (this.tieAfter) filters.push(f('hs_object_id', 'GT', this.tieAfter));
    } else if (this.pos >= 0 && !this.posDone && this.tieIds.size > 0 && this.tieIds.size <= 100) {
      groups.push({ filters: [f(MOD, 'LTE', this.upper), f(MOD, 'EQ', this.pos),
        { propertyName: 'hs_object_id', operator: 'NOT_IN', values: [...this.tieIds] }] });
      filters.push(f(MOD, 'GT', this.pos));
      this.twoGroups++;
    } else if (this.pos >= 0) filters.push(f(MOD, this.posDone ? 'GT' : 'GTE', this.pos));
    return { filterGroups: groups, limit, properties,
      sorts: [{ propertyName: this.tie ? 'hs_object_id' : MOD, direction: 'ASCENDING' }] };
  }

  // Takes the answer to request(); sets this.done when the window is read.
  consume(page) {
    const more = Boolean(page.paging);
    let first = -1;
    for (const r of page.results) {
      const m = Date.parse(r.properties[MOD]);
      if (this.tie) { this.tieAfter = r.id; continue; }
      if (first < 0) first = m;
      if (m > this.pos || this.posDone) { this.tieIds.clear(); this.pos = m; this.posDone = false; }
      this.tieIds.add(r.id);
    }
    if (this.tie) {
      if (page.results.length === 0 || !more) {
        this.tie = false; this.tieAfter = ''; this.posDone = true; this.tieIds.clear();
      }
      return;
    }
    if (page.results.length === 0 || !more) this.done = true;
    else if (first === this.pos) { this.tie = true; this.tieAfter = ''; }
  }
}
