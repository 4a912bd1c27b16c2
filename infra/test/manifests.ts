import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { infraDir, repoRoot, runTool } from './tools.js';

export const k8sDir = path.join(infraDir, 'k8s');

export interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // The document as parsed; the checks below read into it freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Every document of every manifest file (kustomization.yaml excluded), failing on YAML errors. */
export function loadManifests(): Manifest[] {
  const files = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
  return files.flatMap((file) => {
    const docs = parseAllDocuments(readFileSync(path.join(k8sDir, file), 'utf8'));
    return docs.map((doc) => {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const body = doc.toJS();
      return { file, apiVersion: body.apiVersion, kind: body.kind, metadata: body.metadata, body };
    });
  });
}

/** The kubernetes-models (or @kubernetes-models/keda) module of a document's type. */
export function modelModule(apiVersion: string, kind: string): string {
  if (!/^[a-z0-9.]*\/?v\d+(alpha\d+|beta\d+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z]+$/.test(kind)) throw new Error(`unexpected type ${apiVersion} ${kind}`);
  return apiVersion.startsWith('keda.sh/') ? `@kubernetes-models/keda/${apiVersion}/${kind}` : `kubernetes-models/${apiVersion}/${kind}`;
}

/** Runtime schema validation (kubernetes-models' compiled validators); one message per invalid document. */
export async function schemaErrors(manifests: Array<Pick<Manifest, 'file' | 'apiVersion' | 'kind' | 'body'>>): Promise<string[]> {
  const errors: string[] = [];
  for (const m of manifests) {
    try {
      const mod = (await import(modelModule(m.apiVersion, m.kind))) as Record<string, new (data: unknown) => { validate(): void }>;
      const Model = mod[m.kind];
      if (!Model) throw new Error(`no model ${m.kind}`);
      new Model(m.body).validate();
    } catch (e) {
      errors.push(`${m.file} ${m.kind}/${m.body?.metadata?.name}: ${(e as Error).message}`);
    }
  }
  return errors;
}

/**
 * The schema validators accept unknown fields (a `replica:` typo passes), so each set of documents is
 * also written as typed object literals and compiled with `tsc --noEmit`: an unknown field is TS2353, a
 * wrong type TS2322. Returns the compiler's errors per set name.
 */
export function typeErrors(sets: Record<string, Array<Pick<Manifest, 'apiVersion' | 'kind' | 'body'>>>): Record<string, string[]> {
  const dir = path.join(infraDir, 'test/.generated', `${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  try {
    for (const [name, docs] of Object.entries(sets)) {
      const imports = new Map<string, string>();
      const lines = docs.map((d, i) => {
        const mod = modelModule(d.apiVersion, d.kind);
        if (!imports.has(mod)) imports.set(mod, `T${imports.size}`);
        return `export const doc${i}: ${imports.get(mod)} = ${JSON.stringify(d.body, null, 2)};`;
      });
      const head = [...imports].map(([mod, alias]) => `import type { I${mod.split('/').at(-1)} as ${alias} } from '${mod}';`);
      writeFileSync(path.join(dir, `${name}.ts`), [...head, ...lines].join('\n') + '\n');
    }
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [] },
      include: ['*.ts'],
    }));
    const r = runTool(path.join(repoRoot, 'node_modules/.bin/tsc'), ['-p', path.join(dir, 'tsconfig.json')]);
    const out: Record<string, string[]> = Object.fromEntries(Object.keys(sets).map((n) => [n, []]));
    for (const line of r.output.split('\n')) {
      const m = /^(?:.*\/)?([\w-]+)\.ts\(\d+,\d+\): (error TS\d+: .*)$/.exec(line);
      if (m && out[m[1]!]) out[m[1]!]!.push(m[2]!);
      else if (/error TS/.test(line)) throw new Error(`tsc: ${line}`);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
