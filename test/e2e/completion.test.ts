/**
 * Shell completion as each shell runs it: the script of `tend completion bash|zsh|fish` is
 * loaded into a real bash, zsh and fish, which then complete verbs, a verb's flags, a flag's
 * choices and the names of the services of the running tend (through `tend __complete`).
 * zsh's compadd only works inside a completion widget, so the zsh shell given the script
 * defines one that prints what it is handed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { daemonWithConfig, tendMain, testEnv } from '../cli.ts';

test('bash, zsh and fish complete verbs, flags, choices and the running services from tend completion', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(
    t,
    e,
    '[services.web]\ncommand = "exec sleep 1000"\ninstances = 2\n\n[services.worker]\ncommand = "exec sleep 1000"\n',
  );
  // `tend` on PATH, as an install puts it
  const bin = path.join(e.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'tend'), `#!/bin/sh\nexec '${process.execPath}' '${tendMain}' "$@"\n`);
  chmodSync(path.join(bin, 'tend'), 0o755);
  const env = { ...e.env, PATH: `${bin}:${process.env.PATH}` };
  const sh = (shell: string, code: string) => {
    const r = spawnSync(shell, ['-c', code], { env, cwd: e.dir, encoding: 'utf8' });
    assert.equal(r.status, 0, `${shell}: ${r.stderr}`);
    return r.stdout.split('\n').filter(Boolean).sort();
  };
  const scripts = Object.fromEntries(
    (['bash', 'zsh', 'fish'] as const).map((shell) => {
      const file = path.join(e.dir, `tend.${shell}`);
      const r = spawnSync(process.execPath, [tendMain, 'completion', shell], { env, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      writeFileSync(file, r.stdout);
      return [shell, file];
    }),
  );
  const cases: [string[], string[]][] = [
    [['st'], ['start', 'startup', 'stats', 'status', 'stop']],
    [
      ['restart', 'w'],
      ['web', 'web:0', 'web:1', 'worker'],
    ],
    [['logs', '--fo'], ['--follow']],
    [
      ['logs', '--stream', ''],
      ['stderr', 'stdout'],
    ],
    [['cron', 'su'], ['suspend']],
  ];
  for (const [words, want] of cases) {
    const q = words.map((w) => `'${w}'`).join(' ');
    const bash = sh(
      'bash',
      `source '${scripts.bash}'; COMP_WORDS=(tend ${q}); COMP_CWORD=${words.length}; _tend_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
    );
    assert.deepEqual(bash, want, `bash: tend ${words.join(' ')}`);
    const zsh = sh(
      'zsh',
      `compdef() { :; }; compadd() { print -l -- "\${(@P)2}"; }; source '${scripts.zsh}'; words=(tend ${q}); CURRENT=${words.length + 1}; _tend_complete`,
    );
    assert.deepEqual(zsh, want, `zsh: tend ${words.join(' ')}`);
    const fish = sh('fish', `source '${scripts.fish}'; complete -C 'tend ${words.join(' ')}'`);
    assert.deepEqual(
      fish.map((l) => l.split('\t')[0]),
      want,
      `fish: tend ${words.join(' ')}`,
    );
  }
});
