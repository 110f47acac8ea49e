/**
 * A small layered layout for the dependency graph (the Sugiyama recipe, cut down): each
 * service one layer below the deepest thing it depends on, the order within a layer improved
 * by a few barycentre sweeps, edges drawn as curves. Dependency graphs are acyclic (the config
 * refuses cycles), so no cycle breaking is needed; `conflicts` does not order anything.
 */

export interface LayoutEdge {
  /** The dependent. */
  readonly from: string;
  /** What it depends on (drawn above it). */
  readonly to: string;
  readonly kind: 'requires' | 'wants' | 'after' | 'conflicts';
}

export interface PlacedNode {
  readonly id: string;
  readonly x: number;
  readonly y: number;
}

export interface PlacedEdge extends LayoutEdge {
  readonly path: string;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

export const nodeWidth = 168;
export const nodeHeight = 52;
const gapX = 32;
const gapY = 64;
const margin = 16;

/** Layer of each node: 0 for those that depend on nothing. */
function layers(ids: readonly string[], deps: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    // a cycle cannot come from a valid config; if one does, it is cut here rather than looping
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const d = Math.max(-1, ...(deps.get(id) ?? []).map(depth)) + 1;
    visiting.delete(id);
    layer.set(id, d);
    return d;
  };
  for (const id of ids) depth(id);
  return layer;
}

export function layout(ids: readonly string[], edges: readonly LayoutEdge[]): Layout {
  const known = new Set(ids);
  const ordering = edges.filter((e) => e.kind !== 'conflicts' && known.has(e.from) && known.has(e.to));
  const deps = new Map<string, string[]>();
  for (const e of ordering) deps.set(e.from, [...(deps.get(e.from) ?? []), e.to]);
  const layerOf = layers(ids, deps);
  const rows: string[][] = [];
  for (const id of [...ids].sort()) {
    const l = layerOf.get(id) ?? 0;
    rows[l] ??= [];
    rows[l].push(id);
  }
  const neighbours = new Map<string, string[]>();
  for (const e of ordering) {
    neighbours.set(e.from, [...(neighbours.get(e.from) ?? []), e.to]);
    neighbours.set(e.to, [...(neighbours.get(e.to) ?? []), e.from]);
  }
  const position = new Map<string, number>();
  const place = () => {
    for (const row of rows) {
      for (const [i, id] of (row ?? []).entries()) position.set(id, i);
    }
  };
  place();
  // down then up, twice: each node moves towards the mean position of its neighbours
  for (let sweep = 0; sweep < 4; sweep++) {
    const order = sweep % 2 === 0 ? rows.slice(1) : rows.slice(0, -1).reverse();
    for (const row of order) {
      if (!row) continue;
      const centre = (id: string) => {
        const ns = (neighbours.get(id) ?? []).map((n) => position.get(n) ?? 0);
        return ns.length ? ns.reduce((a, b) => a + b, 0) / ns.length : (position.get(id) ?? 0);
      };
      row.sort((a, b) => centre(a) - centre(b) || a.localeCompare(b));
      for (const [i, id] of row.entries()) position.set(id, i);
    }
  }
  const widest = Math.max(1, ...rows.map((r) => r?.length ?? 0));
  const width = margin * 2 + widest * nodeWidth + (widest - 1) * gapX;
  const height = margin * 2 + rows.length * nodeHeight + Math.max(0, rows.length - 1) * gapY;
  const nodes: PlacedNode[] = [];
  const at = new Map<string, PlacedNode>();
  rows.forEach((row, l) => {
    if (!row) return;
    const rowWidth = row.length * nodeWidth + (row.length - 1) * gapX;
    const left = (width - rowWidth) / 2;
    row.forEach((id, i) => {
      const node = { id, x: left + i * (nodeWidth + gapX), y: margin + l * (nodeHeight + gapY) };
      nodes.push(node);
      at.set(id, node);
    });
  });
  const placed: PlacedEdge[] = [];
  for (const e of edges) {
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (!a || !b) continue;
    placed.push({ ...e, path: curve(a, b, e.kind === 'conflicts') });
  }
  return { width, height, nodes, edges: placed };
}

/** From the top of the dependent to the bottom of its dependency; sideways for conflicts. */
function curve(a: PlacedNode, b: PlacedNode, sideways: boolean): string {
  if (sideways || a.y === b.y) {
    const [l, r] = a.x < b.x ? [a, b] : [b, a];
    const y = l.y + nodeHeight / 2;
    return `M${l.x + nodeWidth},${y} L${r.x},${r.y + nodeHeight / 2}`;
  }
  const x1 = a.x + nodeWidth / 2;
  const y1 = a.y;
  const x2 = b.x + nodeWidth / 2;
  const y2 = b.y + nodeHeight;
  const mid = (y1 + y2) / 2;
  return `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}`;
}
