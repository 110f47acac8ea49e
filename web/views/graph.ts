/**
 * The dependency graph with live states: dependencies above their dependents, `requires`
 * solid, `wants` dashed, `after` dotted, `conflicts` in red; each node a link to the
 * service's page, reachable with Tab. A list of the same edges follows for screen readers.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { describeError } from '../lib/api.ts';
import { useApp } from '../lib/context.ts';
import { type LayoutEdge, layout, nodeHeight, nodeWidth } from '../lib/layout.ts';
import { useObservable } from '../lib/observable.ts';
import { serviceHref } from '../lib/router.ts';
import type { TreeNode } from '../lib/types.ts';
import { StateBadge } from './state-badge.ts';

/** A base's state for the graph: the worst of its instances', so trouble shows. */
const severity = ['failed', 'backoff', 'stopping', 'blocked', 'starting', 'exited', 'inactive', 'running'];

function edgesOf(tree: readonly TreeNode[]): LayoutEdge[] {
  return tree.flatMap((n) => [
    ...Object.keys(n.requires).map((to) => ({ from: n.name, to, kind: 'requires' as const })),
    ...Object.keys(n.wants).map((to) => ({ from: n.name, to, kind: 'wants' as const })),
    ...n.after.map((to) => ({ from: n.name, to, kind: 'after' as const })),
    // each conflict once, from the name that sorts first
    ...n.conflicts
      .filter((to) => n.name < to)
      .map((to) => ({ from: n.name, to, kind: 'conflicts' as const })),
  ]);
}

export function Graph() {
  const { api, live } = useApp();
  const shape = useObservable(live.shapeChanged);
  const services = useObservable(live.services);
  const [tree, setTree] = useState<TreeNode[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    api.get<TreeNode[]>('/api/tree').then(setTree, (e) => setProblem(describeError(e)));
  }, [shape]);
  const placed = useMemo(
    () =>
      tree
        ? layout(
            tree.map((n) => n.name),
            edgesOf(tree),
          )
        : null,
    [tree],
  );
  const stateOf = (node: TreeNode): string => {
    const states: string[] = node.states.map((s) => services.get(s.name)?.state ?? s.state);
    return severity.find((s) => states.includes(s)) ?? states[0] ?? 'inactive';
  };
  const byName = new Map(tree?.map((n) => [n.name, n]));
  return html`<section aria-labelledby="graph-title">
    <h1 id="graph-title">Dependency graph</h1>
    ${problem ? html`<p role="alert">${problem}</p>` : null}
    <p class="legend muted">
      <span class="edge-requires">── requires</span><span class="edge-wants">- - wants</span>
      <span class="edge-after">··· after</span><span class="edge-conflicts">— conflicts</span>
      <span>Dependencies are drawn above the services that need them.</span>
    </p>
    ${
      placed && tree
        ? html`<div class="scroll graph" role="region" aria-label="Dependency graph drawing" tabindex="0">
          <svg width=${placed.width} height=${placed.height} viewBox=${`0 0 ${placed.width} ${placed.height}`} role="group" aria-label="Services and their dependencies">
            <defs>
              <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" class="arrow" />
              </marker>
            </defs>
            ${placed.edges.map(
              (e) =>
                html`<path d=${e.path} class=${`edge edge-${e.kind}`} marker-end=${e.kind === 'conflicts' ? undefined : 'url(#arrow)'} />`,
            )}
            ${placed.nodes.map((n) => {
              const node = byName.get(n.id);
              const state = node ? stateOf(node) : 'inactive';
              return html`<a href=${serviceHref(n.id)} class=${`node state-${state}`} data-node=${n.id}>
                <rect x=${n.x} y=${n.y} width=${nodeWidth} height=${nodeHeight} rx="8" />
                <text x=${n.x + 12} y=${n.y + 21} class="node-name">${n.id}</text>
                <text x=${n.x + 12} y=${n.y + 40} class="node-state">${state}${node && node.states.length > 1 ? ` · ${node.states.length} instances` : ''}</text>
              </a>`;
            })}
          </svg>
        </div>
        <h2>As a list</h2>
        <ul class="graph-list">
          ${tree.map((n) => {
            const out = edgesOf([n]);
            return html`<li key=${n.name}>
              <a href=${serviceHref(n.name)}>${n.name}</a> <${StateBadge} state=${stateOf(n)} />
              ${out.length ? html`: ${out.map((e, i) => html`${i ? ', ' : ''}${e.kind} ${e.to}`)}` : html` <span class="muted">depends on nothing</span>`}
            </li>`;
          })}
        </ul>`
        : html`<p class="muted">Reading the graph…</p>`
    }
  </section>`;
}
