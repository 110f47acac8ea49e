/**
 * Jobs and cron jobs: every run with its phase and counts, every cron job with its schedule,
 * last and next run; trigger, suspend and resume a cron job, run a job again. Read again on
 * each job event of the stream.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../lib/api.ts';
import { now } from '../lib/clock.ts';
import { useApp } from '../lib/context.ts';
import { dateTime, duration, relative } from '../lib/format.ts';
import { act } from '../lib/notices.ts';
import { useObservable } from '../lib/observable.ts';
import type { CronView, JobView } from '../lib/types.ts';
import { StateBadge } from './state-badge.ts';

function Next({ at }: { at: number | null }) {
  useObservable(now);
  return html`${relative(at, Date.now())}`;
}

export function Jobs() {
  const { api, live, canAct } = useApp();
  const changed = useObservable(live.jobsChanged);
  const [runs, setRuns] = useState<JobView[] | null>(null);
  const [cron, setCron] = useState<CronView[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [asked, setAsked] = useState(0);
  const reread = () => setAsked((n) => n + 1);
  // a burst of job events (a parallel job's pods) makes one read, not one per event
  const [settled, setSettled] = useState(changed);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(changed), 200);
    return () => clearTimeout(timer);
  }, [changed]);
  useEffect(() => {
    Promise.all([api.get<JobView[]>('/api/jobs'), api.get<CronView[]>('/api/cron')]).then(
      ([j, c]) => {
        setRuns(j);
        setCron(c);
        setProblem(null);
      },
      (e) => setProblem(describeError(e)),
    );
  }, [settled, asked]);

  const cronAction = (name: string, verb: 'trigger' | 'suspend' | 'resume') =>
    act(
      `${verb} cron job ${name}`,
      () => api.post<unknown>(`/api/cron/${encodeURIComponent(name)}/${verb}`),
      (r) =>
        verb === 'trigger' && r === null
          ? `${name}: skipped (its concurrency policy forbids a second run)`
          : `${name}: ${verb === 'trigger' ? 'triggered' : `${verb}d`}`,
    ).then(reread);
  const runJob = (job: string) =>
    act(
      `run job ${job}`,
      () => api.post<JobView>(`/api/jobs/${encodeURIComponent(job)}/run`),
      (r) => `${r.name} ${r.phase}`,
    ).then(reread);

  const jobs = runs?.filter((r) => r.cron === null) ?? [];
  return html`<section aria-labelledby="jobs-title">
    <h1 id="jobs-title">Jobs and cron jobs</h1>
    ${problem ? html`<p role="alert">${problem}</p>` : null}
    <h2>Cron jobs</h2>
    ${cron?.length === 0 ? html`<p class="muted">No cron job.</p>` : null}
    ${
      cron?.length
        ? html`<div class="scroll" role="region" aria-label="Cron jobs" tabindex="0"><table>
          <thead><tr>
            <th scope="col">Name</th><th scope="col">Schedule</th><th scope="col">Policy</th><th scope="col">Status</th>
            <th scope="col">Last run</th><th scope="col">Next run</th><th scope="col" class="num">Runs</th>
            <th scope="col" class="num">Succeeded</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Skipped</th>
            <th scope="col">Active</th>${canAct ? html`<th scope="col">Actions</th>` : null}
          </tr></thead>
          <tbody>${cron.map(
            (c) => html`<tr key=${c.name} data-cron=${c.name}>
              <th scope="row">${c.name}</th>
              <td><code>${c.schedule}</code>${c.time_zone ? html` <span class="muted">${c.time_zone}</span>` : null}</td>
              <td>${c.concurrency_policy}</td>
              <td>${c.suspended ? html`<span class="badge state-inactive"><span aria-hidden="true">❚❚</span> suspended</span>` : html`<span class="badge state-running"><span aria-hidden="true">●</span> scheduled</span>`}</td>
              <td>${dateTime(c.last_schedule_time)}${c.last_duration_ms !== null ? html` <span class="muted">(${duration(c.last_duration_ms)})</span>` : null}</td>
              <td>${c.suspended ? '—' : html`<${Next} at=${c.next_schedule_time} />`}</td>
              <td class="num">${c.runs}</td><td class="num">${c.successes}</td><td class="num">${c.failures}</td><td class="num">${c.skipped}</td>
              <td>${c.active.join(', ') || '—'}</td>
              ${
                canAct
                  ? html`<td><span class="actions">
                    <button type="button" aria-label=${`Trigger ${c.name} now`} onClick=${() => cronAction(c.name, 'trigger')}>trigger</button>
                    ${
                      c.suspended
                        ? html`<button type="button" aria-label=${`Resume ${c.name}`} onClick=${() => cronAction(c.name, 'resume')}>resume</button>`
                        : html`<button type="button" class="danger" aria-label=${`Suspend ${c.name}`} onClick=${() => cronAction(c.name, 'suspend')}>suspend</button>`
                    }
                  </span></td>`
                  : null
              }
            </tr>`,
          )}</tbody>
        </table></div>`
        : null
    }
    <h2>Runs</h2>
    ${runs?.length === 0 ? html`<p class="muted">No job has run.</p>` : null}
    ${
      runs?.length
        ? html`<div class="scroll" role="region" aria-label="Job runs" tabindex="0"><table>
          <thead><tr>
            <th scope="col">Run</th><th scope="col">Job</th><th scope="col">Phase</th><th scope="col" class="num">Active</th>
            <th scope="col" class="num">Succeeded</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Completions</th>
            <th scope="col">Started</th><th scope="col">Took</th><th scope="col">Reason</th>${canAct ? html`<th scope="col">Actions</th>` : null}
          </tr></thead>
          <tbody>${runs.map(
            (r) => html`<tr key=${r.name} data-run=${r.name}>
              <th scope="row">${r.name}</th>
              <td>${r.cron ? html`${r.job} <span class="muted">(cron ${r.cron})</span>` : r.job}</td>
              <td><${StateBadge} state=${r.phase} /></td>
              <td class="num">${r.active}</td><td class="num">${r.succeeded}</td><td class="num">${r.failed}</td>
              <td class="num">${r.succeeded}/${r.completions}</td>
              <td>${dateTime(r.start_time)}</td>
              <td>${r.start_time && r.completion_time ? duration(r.completion_time - r.start_time) : '—'}</td>
              <td>${r.reason ?? ''}</td>
              ${
                canAct
                  ? html`<td>${
                      r.cron === null && jobs.some((j) => j.name === r.name)
                        ? html`<button type="button" aria-label=${`Run ${r.job} again`} disabled=${r.phase === 'Running' || r.phase === 'Pending'} onClick=${() => runJob(r.job)}>run again</button>`
                        : null
                    }</td>`
                  : null
              }
            </tr>`,
          )}</tbody>
        </table></div>`
        : null
    }
  </section>`;
}
