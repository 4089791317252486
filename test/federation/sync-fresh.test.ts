// A caller that needs the member list as it is now (after its own key rotation, or a partner's new key)
// is never answered by a sync round that began before it asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeFederation } from '../../src/node/federation.js';
import { quietLogger } from '../helpers/federation.js';

test('syncFresh waits out a running round and runs another; syncNow joins the running one', async () => {
  const fed = new NodeFederation({
    db: undefined as never, // the rounds below are the test's own: nothing reads the database
    identity: undefined as never,
    region: { code: '310000', name: '上海' },
    publicUrl: 'http://127.0.0.1:1',
    hub: { url: 'http://127.0.0.1:1', refreshSeconds: 300 },
    logger: quietLogger(),
  });
  const rounds: Array<() => void> = [];
  (fed as unknown as { syncOnce: () => Promise<void> }).syncOnce = () => new Promise<void>((resolve) => rounds.push(resolve));
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setImmediate(r));
    assert.ok(check());
  };

  const running = fed.syncNow();
  assert.equal(fed.syncNow(), running, 'a plain sync joins the round running');
  let freshDone = false;
  const fresh = fed.syncFresh().then(() => (freshDone = true));
  await until(() => rounds.length === 1);
  rounds[0]!();
  await running;
  await until(() => rounds.length === 2);
  assert.equal(freshDone, false, 'not answered by the round that began before it asked');
  rounds[1]!();
  await fresh;
  assert.equal(freshDone, true);
  assert.equal(rounds.length, 2, 'one more round, not one per caller');
});
