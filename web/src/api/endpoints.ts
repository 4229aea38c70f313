/**
 * Every API call the web app makes, typed with the server's schemas. Pages
 * call these and nothing else, so a route's path or shape lives in one place.
 */
import { del, get, post, put, request, withQuery } from './client.ts';
import type {
  Account,
  CompletionInput,
  ConsentGrant,
  CredentialExplanation,
  CredentialSummary,
  Evaluation,
  EvidenceFile,
  HoldingInput,
  Invitation,
  Member,
  Offering,
  Organisation,
  Person,
  Plan,
  PlanConstraints,
  PlanGoals,
  ProfileDocument,
  ProfileInput,
  RoleName,
  RosterRow,
  RosterView,
  StoredCompletion,
  StoredHolding,
} from './types.ts';

export interface SignedIn {
  account: Account;
  csrfToken: string;
  expiresAt: string;
}

/** The roster dashboard's filters, sort and page, as the API takes them. */
export interface RosterQuery {
  [key: string]: string | undefined;
  status?: string;
  q?: string;
  sort?: 'person' | 'credential' | 'status' | 'deadline';
  order?: 'asc' | 'desc';
  offset?: string;
  limit?: string;
}

export const api = {
  signUp: (input: { email: string; password: string; name?: string }) =>
    post<SignedIn & { personId: string }>('/auth/sign-up', input),
  signIn: (input: { email: string; password: string }) => post<SignedIn>('/auth/sign-in', input),
  signOut: () => post<void>('/auth/sign-out'),
  myPerson: () => get<Person>('/me/person'),

  rules: (query: { body?: string; kind?: string } = {}) =>
    get<{ credentials: CredentialSummary[] }>('/rules', query),
  rule: (credentialId: string) => get<CredentialExplanation>(`/rules/${encodeURIComponent(credentialId)}`),
  offerings: () => get<{ offerings: Offering[]; currency?: string }>('/offerings'),

  status: (personId: string, on?: string) => get<Evaluation>(`/people/${personId}/status`, { on }),
  holdings: (personId: string) => get<{ holdings: StoredHolding[] }>(`/people/${personId}/holdings`),
  addHolding: (personId: string, holding: HoldingInput) =>
    post<StoredHolding>(`/people/${personId}/holdings`, holding),
  removeHolding: (holdingId: string) => del(`/holdings/${holdingId}`),
  recordRenewal: (holdingId: string, renewal: { date: string; kind: 'renewal' | 'reinstatement' }) =>
    post<StoredHolding>(`/holdings/${holdingId}/renewals`, renewal),
  completions: (personId: string) =>
    get<{ completions: StoredCompletion[] }>(`/people/${personId}/completions`),
  logCompletion: (personId: string, completion: CompletionInput) =>
    post<StoredCompletion>(`/people/${personId}/completions`, completion),
  removeCompletion: (completionId: string) => del(`/completions/${completionId}`),
  setCreditStatus: (completionId: string, creditIndex: number, status: 'approved' | 'pending' | 'denied') =>
    put<StoredCompletion>(`/completions/${completionId}/credits/${creditIndex}/status`, { status }),
  uploadEvidence: (completionId: string, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<EvidenceFile>('POST', `/completions/${completionId}/evidence`, { body: form });
  },
  evidenceUrl: (evidenceId: string) => `/evidence/${encodeURIComponent(evidenceId)}`,
  exportProfile: (personId: string) => get<ProfileDocument>(`/people/${personId}/profile`),
  importProfile: (personId: string, profile: ProfileInput, mode: 'replace' | 'append') =>
    put<{ holdings: number; completions: number }>(`/people/${personId}/profile`, profile, { mode }),

  plan: (personId: string, request: { goals: PlanGoals; constraints?: PlanConstraints }) =>
    post<Plan>(`/people/${personId}/plan`, request),

  organisations: () =>
    get<{ organisations: { organisation: Organisation; role: RoleName }[] }>('/organisations'),
  organisation: (organisationId: string) => get<Organisation>(`/organisations/${organisationId}`),
  createOrganisation: (name: string) => post<Organisation>('/organisations', { name }),
  invite: (organisationId: string, input: { email: string; role: RoleName }) =>
    post<{ invitation: Invitation; token: string }>(`/organisations/${organisationId}/invitations`, input),
  acceptInvitation: (token: string) =>
    post<{ organisationId: string; accountId: string; role: RoleName }>('/invitations/accept', { token }),
  members: (organisationId: string) => get<{ members: Member[] }>(`/organisations/${organisationId}/members`),
  roster: (organisationId: string) => get<{ roster: RosterRow[] }>(`/organisations/${organisationId}/roster`),
  rosterView: (organisationId: string, query: RosterQuery) =>
    get<RosterView>(`/organisations/${organisationId}/roster/lines`, query),
  /** The roster's lines as CSV, with the dashboard's filters and sort (a download: the session cookie goes along). */
  rosterCsvUrl: (organisationId: string, query: RosterQuery) =>
    withQuery(`/organisations/${encodeURIComponent(organisationId)}/roster.csv`, query),
  consents: (personId: string) => get<{ consents: ConsentGrant[] }>(`/people/${personId}/consents`),
  grantConsent: (personId: string, organisationId: string, scope: 'status' | 'records') =>
    put<ConsentGrant>(`/people/${personId}/consents/${organisationId}`, { scope }),
  revokeConsent: (personId: string, organisationId: string) =>
    del(`/people/${personId}/consents/${organisationId}`),
};
