import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  CRD_MANIFEST_PATH,
  crashStatsCrd,
  renderCrdManifest,
} from '../src/index.js';

type Node = Record<string, unknown>;

/** Paths of schema nodes without a type (the structural-schema rule), int-or-string aside. */
function untyped(node: Node, path = '$'): string[] {
  const here =
    node.type === undefined &&
    node['x-kubernetes-int-or-string'] !== true &&
    node['x-kubernetes-preserve-unknown-fields'] !== true
      ? [path]
      : [];
  const children: string[] = [];
  for (const [name, child] of Object.entries(
    (node.properties ?? {}) as Record<string, Node>,
  )) {
    children.push(...untyped(child, `${path}.${name}`));
  }
  if (node.items !== undefined) {
    children.push(...untyped(node.items as Node, `${path}[]`));
  }
  if (typeof node.additionalProperties === 'object') {
    children.push(...untyped(node.additionalProperties as Node, `${path}.*`));
  }
  return here.concat(children);
}

describe('CrashStats CRD', () => {
  const crd = crashStatsCrd() as { spec: { versions: Node[] } };
  const version = crd.spec.versions[0]!;
  const schema = (version.schema as { openAPIV3Schema: Node }).openAPIV3Schema;

  it('is the chart’s manifest, generated from one source', () => {
    const file = readFileSync(
      new URL(`../../${CRD_MANIFEST_PATH}`, import.meta.url),
      'utf8',
    );
    assert.equal(file, renderCrdManifest(), 'run npm run docs:crd');
    assert.deepEqual(parse(file), crashStatsCrd());
  });

  it('has a structural schema with descriptions', () => {
    assert.deepEqual(untyped(schema), []);
    const spec = (schema.properties as Record<string, Node>).spec!;
    for (const [name, node] of Object.entries(
      spec.properties as Record<string, Node>,
    )) {
      assert.ok(
        typeof node.description === 'string' && node.description.length > 0,
        name,
      );
    }
  });

  it('has the status subresource and the printer columns', () => {
    assert.deepEqual(version.subresources, { status: {} });
    assert.deepEqual(
      (version.additionalPrinterColumns as Node[]).map((c) => c.name),
      ['Ready', 'Processors', 'Queue', 'Age'],
    );
  });
});
