import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dependenciesOf, dependentsOf, describeProblem, graphProblems, layers } from './graph.ts';

const n = (name: string, ...dependsOn: string[]) => ({ name, dependsOn });

test('layers order dependencies first and put independent services side by side', () => {
  const nodes = [
    n('web', 'db', 'cache'),
    n('db'),
    n('cache'),
    n('worker', 'db'),
    n('migrate', 'db'),
    n('api', 'migrate'),
  ];
  assert.deepEqual(layers(nodes), [['db', 'cache'], ['web', 'worker', 'migrate'], ['api']]);
  assert.deepEqual(layers(nodes).reverse().flat(), ['api', 'web', 'worker', 'migrate', 'db', 'cache']);
});

test('cycles are named as the path that closes them; unknown names are reported', () => {
  const problems = graphProblems([n('a', 'b'), n('b', 'c'), n('c', 'a'), n('d', 'ghost')]);
  assert.deepEqual(problems.map(describeProblem), [
    'service "d" depends on "ghost", which is not defined',
    'dependency cycle: a → b → c → a',
  ]);
  assert.deepEqual(graphProblems([n('self', 'self')]).map(describeProblem), [
    'dependency cycle: self → self',
  ]);
  assert.deepEqual(graphProblems([n('a', 'b'), n('b')]), []);
});

test('dependents and dependencies are found transitively, nearest first', () => {
  const nodes = [n('a', 'b'), n('b', 'c'), n('c'), n('d', 'c')];
  assert.deepEqual(dependentsOf('c', nodes), ['b', 'd', 'a']);
  assert.deepEqual(dependenciesOf('a', nodes), ['b', 'c']);
});
