// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are tend's ${…} syntax, not JavaScript's
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envValueProblem, expandEnv, expandValue } from './env-expand.ts';

const own = { TEND_SERVICE: 'web:1', TEND_INSTANCE: '1' };

test('each instance gets its own values: TEND_INSTANCE, earlier keys, then tend’s environment', () => {
  const env = {
    PORT: '300${TEND_INSTANCE}',
    URL: 'http://127.0.0.1:${PORT}/${TEND_SERVICE}',
    PATH: '${PATH}:/opt/bin',
    LATER: '${AFTER}',
    AFTER: 'x',
  };
  assert.deepEqual(expandEnv(env, own, { PATH: '/usr/bin', AFTER: 'from tend' }), {
    PORT: '3001',
    URL: 'http://127.0.0.1:3001/web:1',
    PATH: '/usr/bin:/opt/bin',
    // only keys written before a value are its variables: the order of the others never matters
    LATER: 'from tend',
    AFTER: 'x',
  });
});

test('defaults, unset variables, $$ and a lone $ follow compose', () => {
  const lookup = (n: string) => ({ EMPTY: '', SET: 'v' })[n];
  assert.equal(expandValue('${UNSET:-3000}/${EMPTY:-e}/${SET:-d}', lookup), '3000/e/v');
  assert.equal(expandValue('[${UNSET}]', lookup), '[]');
  assert.equal(expandValue('pa$$word $${SET} $HOME $1 cost: 5$', lookup), 'pa$word ${SET} $HOME $1 cost: 5$');
});

test('what cannot be expanded is named, with the way to write a literal $', () => {
  assert.equal(envValueProblem('300${TEND_INSTANCE}'), null);
  assert.equal(envValueProblem('$${not a ref} $$ ${A:-b c}'), null);
  for (const bad of ['${', '${PORT', '${1X}', '${A B}', '${A:b}', '${}']) {
    assert.match(
      envValueProblem(`x${bad}`) ?? '',
      /is not \$\{NAME\} or \$\{NAME:-default\} \(write \$\$ for a literal \$\)/,
      bad,
    );
  }
});
