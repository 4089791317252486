// GET /metrics: the token guards it; exchanges, refusals and the hub's relaying show up by partner and
// error code on each side; gauges read from the database; nothing personal in any label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engines } from '../helpers/engines.js';
import { exchangeFixture, purpose } from '../helpers/exchange.js';
import type { Started } from '../helpers/federation.js';
import { rotateMetricsToken, rotateOperatorToken } from '../../src/server/start.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (enough of it for these metrics). */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.length ? found.reduce((a, s) => a + s.value, 0) : undefined;
}

async function scrape(s: Started, token?: string): Promise<{ status: number; type: string | null; text: string }> {
  const t = token ?? readFileSync(join(s.dataDir, 'metrics.token'), 'utf8').trim();
  const res = await fetch(`${s.server.url}/metrics`, { headers: { authorization: `Bearer ${t}` } });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

for (const engine of await engines()) {
  test(`${engine}: /metrics — token only; exchanges and refusals by partner and code on both sides, the hub's relaying, gauges from the database, nothing personal`, async () => {
    const f = await exchangeFixture(engine, { route: 'relay', access: [{ from: ['310000'], resources: ['hukou.person'], fields: ['name', 'sex'] }] });
    try {
      // the token: missing, wrong, or the one in data/metrics.token
      const none = await fetch(`${f.sh.server.url}/metrics`);
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'E_UNAUTHENTICATED');
      assert.equal((await scrape(f.sh, 'tbmx_not-the-token')).status, 401);
      const hubToken = readFileSync(join(f.hub.dataDir, 'metrics.token'), 'utf8').trim();
      assert.equal((await scrape(f.sh, hubToken)).status, 401, "another server's token");
      // a new token (tongban metrics-token): the old one stops working at once, the file holds the new one
      const before = readFileSync(join(f.sh.dataDir, 'metrics.token'), 'utf8').trim();
      const rotated = await rotateMetricsToken(f.sh.server.store.db, f.sh.config);
      assert.notEqual(rotated, before);
      assert.equal((await scrape(f.sh, before)).status, 401, 'the replaced token');
      assert.equal((await scrape(f.sh)).status, 200, 'the token now in data/metrics.token');
      // the hub's operator token the same way (tongban operator-token)
      const members = (token: string) => fetch(`${f.hub.server.url}/api/hub/members`, { headers: { authorization: `Bearer ${token}` } });
      const operator = readFileSync(join(f.hub.dataDir, 'operator.token'), 'utf8').trim();
      assert.equal((await members(operator)).status, 200);
      const newOperator = await rotateOperatorToken(f.hub.server.store.db, f.hub.config);
      assert.equal((await members(operator)).status, 401, 'the replaced operator token');
      assert.equal((await members(newOperator)).status, 200);
      assert.equal(readFileSync(join(f.hub.dataDir, 'operator.token'), 'utf8').trim(), newOperator);

      const ok = await f.clerk('/api/exchange/requests', {
        body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name', 'sex'], purpose },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const refused = await f.clerk('/api/exchange/requests', {
        body: { target: '340000', resource: 'hukou.person', subject: { type: 'citizen', idNumber: f.citizen.idNumber }, fields: ['name', 'ethnicity'], purpose },
      });
      assert.equal(refused.body.exchange.error.code, 'E_FIELD_NOT_ALLOWED');
      assert.deepEqual(refused.body.exchange.error.fields, ['ethnicity'], 'the clerk\'s view names the refused field, for the UI to show by its label');
      await Promise.all([f.sh, f.ah].map((s) => s.server.audit.flush()));

      const sh = await scrape(f.sh);
      assert.equal(sh.status, 200);
      assert.match(sh.type ?? '', /^text\/plain; version=0\.0\.4/);
      const s = parse(sh.text);
      const sent = { action: 'exchange.request.sent', partner: '340000', role: 'node', region: '310000' };
      assert.equal(value(s, 'tongban_exchanges_total', { ...sent, outcome: 'ok', code: '' }), 1);
      assert.equal(value(s, 'tongban_exchanges_total', { ...sent, outcome: 'refused', code: 'E_FIELD_NOT_ALLOWED' }), 1);
      assert.equal(value(s, 'tongban_exchange_duration_seconds_count', { partner: '340000', route: 'relay' }), 2);
      assert.equal(value(s, 'tongban_audit_events_total', { category: 'exchange', action: 'exchange.request.sent' }), 2);
      assert.equal(value(s, 'tongban_outbox_messages', { status: 'pending' }), 0);
      assert.equal(value(s, 'tongban_outbox_messages', { status: 'dead' }), 0);
      assert.ok(value(s, 'tongban_audit_head_seq')! >= 3);
      assert.ok(value(s, 'tongban_trust_list_expires_in_seconds')! > 0);
      assert.ok(value(s, 'tongban_audit_checkpoints_unanchored')! >= 0);
      assert.ok(value(s, 'tongban_process_process_cpu_user_seconds_total')! > 0, 'process metrics');

      const ah = parse((await scrape(f.ah)).text);
      assert.equal(value(ah, 'tongban_exchanges_total', { action: 'exchange.request.served', partner: '310000', outcome: 'ok', region: '340000' }), 1);
      assert.equal(value(ah, 'tongban_exchanges_total', { action: 'exchange.request.refused', partner: '310000', code: 'E_FIELD_NOT_ALLOWED' }), 1);

      const hub = parse((await scrape(f.hub)).text);
      assert.equal(value(hub, 'tongban_relay_messages_total', { kind: 'requests', from: '310000', to: '340000', role: 'hub' }), 2);
      assert.equal(value(hub, 'tongban_relay_duration_seconds_count', { kind: 'requests' }), 2);

      // a relay request for a region that is not a member is counted as unknown, not under its name
      const stranger = await fetch(`${f.hub.server.url}/api/relay/v1/999999/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.ok(stranger.status >= 400);
      const hub2 = parse((await scrape(f.hub)).text);
      assert.equal(hub2.some((x) => Object.values(x.labels).includes('999999')), false);
      assert.ok(value(hub2, 'tongban_relay_messages_total', { to: 'unknown' })! >= 1);

      // nothing personal: no ID number, name or user in any metric
      for (const text of [sh.text, (await scrape(f.ah)).text]) {
        for (const secret of [f.citizen.idNumber, f.citizen.name, 'sh-clerk', purpose.caseId]) assert.equal(text.includes(secret), false, secret);
      }
    } finally {
      await f.close();
    }
  });
}
