/**
 * The only thing a page without a token shows: a form for the token, and why the last one
 * was refused. The token is checked against tend before anything else renders.
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { Api } from '../lib/api.ts';
import { useObservable } from '../lib/observable.ts';
import { loginProblem, signIn } from '../lib/session.ts';

export function Login() {
  const problem = useObservable(loginProblem);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const token = String(new FormData(form).get('token') ?? '').trim();
    if (!token) {
      loginProblem.set('Enter the token: "tend token" prints it where tend runs.');
      return;
    }
    setBusy(true);
    const answer = await Api.probe(token);
    setBusy(false);
    if (answer.ok) signIn(token, answer.canAct);
    else loginProblem.set(answer.problem);
  };
  return html`<main id="login" class="login">
    <h1><span class="logo" aria-hidden="true">◆</span> tend</h1>
    <form onSubmit=${submit} aria-describedby="login-help">
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" spellcheck="false" required />
      <button type="submit" disabled=${busy}>${busy ? 'Checking…' : 'Sign in'}</button>
      <p id="login-help" class="muted">
        Run <code>tend token</code> on the machine tend runs on. The token is kept in this tab only, until it
        closes.
      </p>
      ${problem ? html`<p class="problem" role="alert" id="login-problem">${problem}</p>` : null}
    </form>
  </main>`;
}
