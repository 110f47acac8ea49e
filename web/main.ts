/** The web page's entry: the login form until a token is accepted, then the live dashboard. */
import './style.css';
import { html } from 'htm/preact';
import { render } from 'preact';
import { Api } from './lib/api.ts';
import { useObservable } from './lib/observable.ts';
import { savedToken, session, signIn, signOut } from './lib/session.ts';
import { Login } from './views/login.ts';
import { Shell } from './views/shell.ts';

function Root() {
  const s = useObservable(session);
  return s ? html`<${Shell} session=${s} />` : html`<${Login} />`;
}

/**
 * A token kept from earlier in this tab is used at once (the first screen needs no extra
 * round trip), and checked beside it: a refused one signs out, a read-only one hides actions.
 */
async function resume(token: string): Promise<void> {
  signIn(token, true);
  const answer = await Api.probe(token);
  if (!answer.ok) signOut(answer.problem);
  else if (!answer.canAct) signIn(token, false);
}

const root = document.getElementById('app');
if (root) {
  // the <noscript> note goes: a running page renders only what it means to show
  root.replaceChildren();
  const token = savedToken();
  if (token) void resume(token);
  render(html`<${Root} />`, root);
}
