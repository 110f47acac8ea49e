/**
 * The web page's entry: the login form until a token is accepted, then the live dashboard.
 * A token kept in this tab's session storage is checked again before it is used.
 */
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

async function resume(): Promise<void> {
  const token = savedToken();
  if (!token) return;
  const answer = await Api.probe(token);
  if (answer.ok) signIn(token, answer.canAct);
  else signOut(answer.problem);
}

const root = document.getElementById('app');
if (root) {
  void resume().finally(() => {
    // the <noscript> note goes: a running page renders only what it means to show
    root.replaceChildren();
    render(html`<${Root} />`, root);
  });
}
