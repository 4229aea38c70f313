import { createContext, useContext } from 'react';
import type { Person } from './api/types.ts';

export interface SessionState {
  /** undefined while the first check runs; null when signed out. */
  person: Person | null | undefined;
  setPerson(person: Person | null): void;
}

export const SessionContext = createContext<SessionState>({ person: undefined, setPerson: () => {} });

export const useSession = () => useContext(SessionContext);
