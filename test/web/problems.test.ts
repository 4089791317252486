import { test } from 'node:test';
import assert from 'node:assert/strict';
import { standingProblems, valueAt, type Problem } from '../../src/web/catalog/problems.js';

const problem = (path: string): Problem => ({ path, message: `${path} is wrong`, messageZh: `${path}有误` });

test('valueAt reads a problem path (members, indexes, nested) out of a request body', () => {
  const body = { timeLimitDays: 400, modes: ['online'], materials: [{ name: '户口簿', satisfiedBy: { kind: 'resource', resource: 'hukou.persn', fields: ['name', 'x'] } }] };
  assert.equal(valueAt(body, 'timeLimitDays'), 400);
  assert.equal(valueAt(body, 'modes[0]'), 'online');
  assert.equal(valueAt(body, 'materials[0].satisfiedBy.resource'), 'hukou.persn');
  assert.equal(valueAt(body, 'materials[0].satisfiedBy.fields[1]'), 'x');
  assert.equal(valueAt(body, 'materials[3].name'), undefined);
  assert.equal(valueAt(body, 'timeLimitDays.x'), undefined);
  assert.deepEqual(valueAt(body, ''), body);
});

test('a problem stands until the value it names changes, and comes back if the value is set back', () => {
  const sent = { timeLimitDays: 400, name: '', materials: [{ name: '户口簿', satisfiedBy: { kind: 'resource', resource: 'hukou.persn' } }] };
  const problems = [problem('timeLimitDays'), problem('name'), problem('materials[0].satisfiedBy.resource'), problem('')];
  // nothing changed: all stand
  assert.deepEqual(standingProblems(problems, sent, structuredClone(sent)), problems);
  // the time limit fixed: its problem goes; the rest stay (the entry-wide one always)
  const fixed = { ...structuredClone(sent), timeLimitDays: 15 };
  assert.deepEqual(standingProblems(problems, sent, fixed).map((p) => p.path), ['name', 'materials[0].satisfiedBy.resource', '']);
  // the resource fixed deep inside a material
  fixed.materials[0]!.satisfiedBy.resource = 'hukou.person';
  assert.deepEqual(standingProblems(problems, sent, fixed).map((p) => p.path), ['name', '']);
  // set back to what was refused: the problem is back
  fixed.timeLimitDays = 400;
  assert.deepEqual(standingProblems(problems, sent, fixed).map((p) => p.path), ['timeLimitDays', 'name', '']);
  // a material removed: the problems inside it go with it
  assert.deepEqual(standingProblems(problems, sent, { ...sent, materials: [] }).map((p) => p.path), ['timeLimitDays', 'name', '']);
});
