/**
 * The dependency graph as lines to draw, from the services nothing depends on down: shared by
 * `tend tree` and the TUI's `t` page, which colour the pieces each in their own way.
 */
import type { TreeNode } from '../../protocol/methods.ts';

export interface TreeLine {
  /** The branch drawing before the name (`├─ `, `│  └─ `…); empty for a root. */
  readonly prefix: string;
  /** The node drawn, or null for a dependency that is not defined. */
  readonly node: TreeNode | null;
  readonly name: string;
  /** How the parent depends on it (`requires, ready`, `wants, started`, `after`); null for a root. */
  readonly how: string | null;
}

function edges(n: TreeNode): (readonly [string, string])[] {
  return [
    ...Object.entries(n.requires).map(([d, c]) => [d, `requires, ${c}`] as const),
    ...Object.entries(n.wants).map(([d, c]) => [d, `wants, ${c}`] as const),
    ...n.after.map((d) => [d, 'after'] as const),
  ];
}

export function treeLines(nodes: readonly TreeNode[], name?: string): TreeLine[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const dependedOn = new Set(nodes.flatMap((n) => edges(n).map(([d]) => d)));
  const roots = nodes.filter((n) => !dependedOn.has(n.name) || n.name === name);
  const out: TreeLine[] = [];
  const draw = (n: TreeNode, prefix: string, seen: Set<string>) => {
    const children = edges(n);
    children.forEach(([dep, how], i) => {
      const last = i === children.length - 1;
      const child = byName.get(dep) ?? null;
      out.push({ prefix: `${prefix}${last ? '└─' : '├─'} `, node: child, name: dep, how });
      if (child && !seen.has(dep)) draw(child, `${prefix}${last ? '   ' : '│  '}`, new Set([...seen, dep]));
    });
  };
  for (const root of roots.length ? roots : nodes) {
    out.push({ prefix: '', node: root, name: root.name, how: null });
    draw(root, '', new Set([root.name]));
  }
  return out;
}
