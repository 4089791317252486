import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../helpers/engines.js';
import { cleanupAll, startHub, startNode, stopAll, type Started } from '../helpers/federation.js';
import { createUser, disableUser } from '../../src/identity/index.js';
import { adminActionEvent } from '../../src/audit/index.js';

for (const engine of await engines()) {
  test(`${engine}: account administration on a node is appended to its audit log, with the responsible actor`, async () => {
    let hub: Started | undefined;
    let node: Started | undefined;
    try {
      hub = await startHub(engine);
      node = await startNode(engine, { url: hub.server.url, keyId: hub.server.identity.keyId }, { code: '310000', name: '上海' });
      const audit = node.server.audit;
      const ctx = (actor: string) => ({ actor, onAdminAction: async (e: Parameters<typeof adminActionEvent>[0]) => void (await audit.append(adminActionEvent(e))) });
      await createUser(node.server.store.db, { server: 'node', id: 'sh-clerk', name: '王芳', department: '浦东新区行政服务中心', regionCode: '310000', roles: ['clerk'], password: 'Window-Clerk-2026' }, ctx('cli:ops'));
      await disableUser(node.server.store.db, 'sh-clerk', ctx('sh-admin'));
      const entries = (await audit.tail(10)).reverse().filter((e) => e.category === 'admin');
      assert.deepEqual(
        entries.map((e) => [e.action, e.actor_type, e.actor_id, e.actor_region, e.outcome]),
        [['user.created', 'operator', 'cli:ops', '310000', 'ok'], ['user.disabled', 'user', 'sh-admin', '310000', 'ok']],
      );
      assert.equal(JSON.parse(entries[0]!.detail!).target, 'sh-clerk');
      assert.ok(!JSON.stringify(entries).includes('Window-Clerk-2026'));
      assert.equal(adminActionEvent({ category: 'admin', action: 'user.enabled', actor: 'demo', target: 'x', regionCode: '310000', detail: { roles: ['clerk', 'approver'] } }).actor.type, 'system');
    } finally {
      await stopAll(node, hub);
      await cleanupAll(node, hub);
    }
  });
}
