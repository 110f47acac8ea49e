/**
 * The token, asked once per browser tab and kept in its sessionStorage (gone when the tab
 * closes); always sent as a header, never put in a URL. What the token may do is kept here
 * too, so views can leave out the actions of a read-only token.
 */
import { Observable } from './observable.ts';

const key = 'tend.token';

export interface Session {
  readonly token: string;
  /** False for a read-only token: the page shows no action. */
  readonly canAct: boolean;
}

export const session = new Observable<Session | null>(null);
/** Why the last token was refused, shown on the login form. */
export const loginProblem = new Observable<string | null>(null);

export function savedToken(): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

export function signIn(token: string, canAct: boolean): void {
  try {
    sessionStorage.setItem(key, token);
  } catch {
    // storage refused (a private mode): the token lives as long as the page
  }
  loginProblem.set(null);
  session.set({ token, canAct });
}

export function signOut(problem: string | null = null): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // nothing kept
  }
  loginProblem.set(problem);
  session.set(null);
}
