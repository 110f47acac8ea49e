/**
 * What changes when tend runs as a single executable (Node's SEA, `npm run sea`): there is
 * no script path in argv, Node's own flags come from the blob (so none may be put on a
 * re-executed command line), and the main script's `import()` reaches no file, so user
 * scripts and `tend.config.ts` are imported through a vm script that uses Node's default
 * loader. `tend` and `tend/init` then resolve to the modules inside the binary.
 */
// a namespace, not a named import: Node < 22.15 has no registerHooks, and a named import of it
// would refuse to load any command that reaches this file (the old-Node refusal needs it to)
import * as nodeModule from 'node:module';
import { isSea } from 'node:sea';
import vm from 'node:vm';

/** Whether this process is the single executable. */
export const singleExecutable: boolean = isSea();

/** The command line that runs this same tend again: for execve (argv[0] included). */
export function selfArgv(): string[] {
  // in the binary, argv[1] is what it was invoked as and the blob carries Node's flags
  if (singleExecutable) return process.argv.slice(1);
  return [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
}

/** The arguments that run this tend again with `spawn(process.execPath, …)` (no argv[0]). */
export function selfArgs(): string[] {
  return selfArgv().slice(1);
}

let viaVm: ((url: string) => Promise<unknown>) | undefined;

/** `import(url)` of a file on disk, which also works inside the binary. */
export function importFile(url: string): Promise<unknown> {
  if (!singleExecutable) return import(url);
  viaVm ??= mainContextImport();
  return viaVm(url);
}

function mainContextImport(): (url: string) => Promise<unknown> {
  // vm's default-loader constant is marked experimental, and Node says so at the first import
  // through it: a line that tells a user of the binary nothing, so that one warning is dropped
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (!text.includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) emit.call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  return new vm.Script('(url) => import(url)', {
    filename: 'tend-import.js',
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }).runInThisContext() as (url: string) => Promise<unknown>;
}

/** The binary's own modules by specifier, put there by its entry (src/cli/sea-main.ts). */
const registryKey = Symbol.for('tend.sea.modules');

export function provideModules(modules: Readonly<Record<string, Record<string, unknown>>>): void {
  (globalThis as { [registryKey]?: unknown })[registryKey] = modules;
}

/**
 * Resolves `tend`, `tend/init` (and `tend-supervisor…`) to the modules inside the binary: a
 * small ES module re-exports each name of the namespace the entry provided.
 */
export function resolveToBinaryModules(): void {
  const modules =
    (globalThis as { [registryKey]?: Record<string, Record<string, unknown>> })[registryKey] ?? {};
  const prefix = 'tend-sea:';
  nodeModule.registerHooks({
    resolve(specifier, context, next) {
      const name = specifier.replace(/^tend-supervisor/, 'tend');
      return Object.hasOwn(modules, name)
        ? { url: `${prefix}${name}`, shortCircuit: true, format: 'module' }
        : next(specifier, context);
    },
    load(url, context, next) {
      if (!url.startsWith(prefix)) return next(url, context);
      const name = url.slice(prefix.length);
      const names = Object.keys(modules[name] ?? {}).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
      const source = [
        `const m = globalThis[Symbol.for('tend.sea.modules')][${JSON.stringify(name)}];`,
        ...names.map((k) => (k === 'default' ? 'export default m.default;' : `export const ${k} = m.${k};`)),
      ].join('\n');
      return { format: 'module', source, shortCircuit: true };
    },
  });
}
