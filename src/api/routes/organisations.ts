/**
 * Organisations (gyms, studios, clinics): members and their roles,
 * invitations, the staff roster with each person's status where consent
 * allows, people the organisation manages itself, and its audit trail.
 */
import { z } from 'zod';
import { IsoDateSchema } from '../../core/rules/schema.ts';
import { listAudit } from '../../usecases/audit.ts';
import {
  acceptInvitation,
  changeMemberRole,
  createOrganisation,
  getOrganisation,
  inviteMember,
  listMembers,
  listMyOrganisations,
  removeMember,
} from '../../usecases/organisations.ts';
import { addToRoster, createManagedPerson, listRoster, removeFromRoster } from '../../usecases/people.ts';
import {
  ROSTER_SORTS,
  type RosterIndex,
  type RosterMemo,
  type RosterQuery,
  rosterView,
} from '../../usecases/roster-view.ts';
import type { RouteGroup } from '../app.ts';
import { actorOf } from '../plugins/auth.ts';
import { rosterLine, rosterRow } from '../present.ts';
import { problemResponses } from '../problem.ts';
import {
  AuditEntrySchema,
  InvitationSchema,
  MemberSchema,
  MembershipSchema,
  OrganisationSchema,
  PersonSchema,
  Role,
  RosterEntrySchema,
  RosterRowSchema,
  RosterViewSchema,
} from '../schemas/domain.ts';
import { AuditQuery, definedOnly, Id } from './people.ts';

const OrgParams = z.object({ organisationId: Id });
const MemberParams = OrgParams.extend({ accountId: Id });
const RosterParams = OrgParams.extend({ personId: Id });
const Email = z.string().trim().max(254);
const errors = problemResponses(401, 403, 404, 409);

/** The roster dashboard's filters, sort and page, as query parameters. */
export const RosterQuerySchema = z.object({
  status: z
    .string()
    .max(40)
    .optional()
    .describe('Only lines with this status (e.g. due-soon, expired, not-shared)'),
  q: z
    .string()
    .max(200)
    .optional()
    .describe('Only lines whose person, e-mail, reference or credential contain every word'),
  sort: z.enum(ROSTER_SORTS).optional().describe('Default deadline; ties go by person, then credential'),
  order: z
    .enum(['asc', 'desc'])
    .optional()
    .describe('Default asc; lines without a deadline come last either way'),
  offset: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('Lines per page (default 50)'),
  on: IsoDateSchema.optional().describe('The as-of date YYYY-MM-DD (default: today)'),
});

export function rosterQuery(query: z.infer<typeof RosterQuerySchema>): RosterQuery {
  return definedOnly({
    status: query.status || undefined,
    text: query.q,
    sort: query.sort,
    descending: query.order === undefined ? undefined : query.order === 'desc',
    offset: query.offset,
    limit: query.limit,
    asOf: query.on,
  });
}

export const organisationRoutes: RouteGroup = (app, { uc, statusCache }) => {
  app.post(
    '/organisations',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Create an organisation (you become its owner)',
        body: z.object({ name: z.string().trim().min(1).max(200) }).strict(),
        response: { 201: OrganisationSchema, ...errors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createOrganisation(uc, actorOf(request), request.body);
    },
  );

  app.get(
    '/organisations',
    {
      schema: {
        tags: ['organisations'],
        summary: 'The organisations you belong to, with your role',
        response: {
          200: z.object({
            organisations: z.array(z.object({ organisation: OrganisationSchema, role: Role })),
          }),
          ...errors,
        },
      },
    },
    async (request) => ({ organisations: await listMyOrganisations(uc, actorOf(request)) }),
  );

  app.get(
    '/organisations/:organisationId',
    {
      schema: {
        tags: ['organisations'],
        summary: 'An organisation you belong to',
        params: OrgParams,
        response: { 200: OrganisationSchema, ...errors },
      },
    },
    async (request) => getOrganisation(uc, actorOf(request), request.params.organisationId),
  );

  app.get(
    '/organisations/:organisationId/members',
    {
      schema: {
        tags: ['memberships'],
        summary: 'Members and their roles',
        params: OrgParams,
        response: { 200: z.object({ members: z.array(MemberSchema) }), ...errors },
      },
    },
    async (request) => ({ members: await listMembers(uc, actorOf(request), request.params.organisationId) }),
  );

  app.patch(
    '/organisations/:organisationId/members/:accountId',
    {
      schema: {
        tags: ['memberships'],
        summary: 'Change a member’s role',
        params: MemberParams,
        body: z.object({ role: Role }).strict(),
        response: { 200: MembershipSchema, ...errors },
      },
    },
    async (request) =>
      changeMemberRole(
        uc,
        actorOf(request),
        request.params.organisationId,
        request.params.accountId,
        request.body.role,
      ),
  );

  app.delete(
    '/organisations/:organisationId/members/:accountId',
    {
      schema: {
        tags: ['memberships'],
        summary: 'Remove a member',
        params: MemberParams,
        response: { 204: z.undefined(), ...errors },
      },
    },
    async (request, reply) => {
      await removeMember(uc, actorOf(request), request.params.organisationId, request.params.accountId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/organisations/:organisationId/invitations',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Invite someone by e-mail (the token is shown once)',
        params: OrgParams,
        body: z.object({ email: Email, role: Role }).strict(),
        response: {
          201: z.object({
            invitation: InvitationSchema,
            token: z.string().describe('Send this to the invitee'),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return inviteMember(uc, actorOf(request), request.params.organisationId, request.body);
    },
  );

  app.post(
    '/invitations/accept',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Accept an invitation sent to your e-mail',
        body: z.object({ token: z.string().min(1).max(200) }).strict(),
        response: { 200: MembershipSchema, ...errors },
      },
    },
    async (request) => acceptInvitation(uc, actorOf(request), request.body.token),
  );

  app.get(
    '/organisations/:organisationId/roster',
    {
      schema: {
        tags: ['roster'],
        summary: 'Roster status: every person on the staff roster, with status where consent allows',
        params: OrgParams,
        response: { 200: z.object({ roster: z.array(RosterRowSchema) }), ...errors },
      },
    },
    async (request) => ({
      roster: (await listRoster(uc, actorOf(request), request.params.organisationId)).map(rosterRow),
    }),
  );

  app.get(
    '/organisations/:organisationId/roster/lines',
    {
      schema: {
        tags: ['roster'],
        summary:
          'The roster dashboard: counts over every line, the lines lapsing soon, and one page of lines',
        description:
          'One line per person and credential, where consent allows. Counts cover the whole roster; ' +
          'status and q narrow the lines paged through, sorted by sort and order.',
        params: OrgParams,
        querystring: RosterQuerySchema,
        response: { 200: RosterViewSchema, ...errors },
      },
    },
    async (request) => {
      // The evaluated roster is kept between pages (statusCache drops it when the roster changes).
      const memo: RosterMemo | undefined = statusCache
        ? (organisationId, asOf, compute, refresh) => {
            const kept = async (index: RosterIndex) => ({ value: index, personIds: index.personIds() });
            return statusCache.memo(
              `roster\u0000${organisationId}\u0000${asOf}`,
              organisationId,
              async () => kept(await compute()),
              async (index, changed) => kept(await refresh(index, changed)),
            );
          }
        : undefined;
      const view = await rosterView(
        uc,
        actorOf(request),
        request.params.organisationId,
        rosterQuery(request.query),
        memo,
      );
      return {
        ...view,
        soon: { ...view.soon, lines: view.soon.lines.map(rosterLine) },
        page: view.page.map(rosterLine),
      };
    },
  );

  app.put(
    '/organisations/:organisationId/roster/:personId',
    {
      schema: {
        tags: ['roster'],
        summary: 'Put a person on the roster (owner or admin)',
        description:
          'A person with an account is put on a roster only once they share their status or records with the organisation (or by accepting an invitation); a person without one, only by the organisation managing them. Updating the reference of someone already on it is always allowed.',
        params: RosterParams,
        body: z.object({ externalRef: z.string().max(100).optional() }).strict(),
        response: { 200: RosterEntrySchema, ...errors },
      },
    },
    async (request) =>
      addToRoster(
        uc,
        actorOf(request),
        request.params.organisationId,
        request.params.personId,
        definedOnly(request.body),
      ),
  );

  app.delete(
    '/organisations/:organisationId/roster/:personId',
    {
      schema: {
        tags: ['roster'],
        summary: 'Take a person off the roster',
        params: RosterParams,
        response: { 204: z.undefined(), ...errors },
      },
    },
    async (request, reply) => {
      await removeFromRoster(uc, actorOf(request), request.params.organisationId, request.params.personId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/organisations/:organisationId/people',
    {
      schema: {
        tags: ['roster'],
        summary: 'Create a person the organisation manages (no account yet) and put them on the roster',
        params: OrgParams,
        body: z
          .object({
            name: z.string().trim().min(1).max(200).optional(),
            email: Email.optional(),
            externalRef: z.string().max(100).optional(),
          })
          .strict(),
        response: { 201: PersonSchema, ...errors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createManagedPerson(
        uc,
        actorOf(request),
        request.params.organisationId,
        definedOnly(request.body),
      );
    },
  );

  app.get(
    '/organisations/:organisationId/audit',
    {
      schema: {
        tags: ['organisations'],
        summary: 'The organisation’s audit trail (owner or admin)',
        params: OrgParams,
        querystring: AuditQuery,
        response: { 200: z.object({ entries: z.array(AuditEntrySchema) }), ...errors },
      },
    },
    async (request) => ({
      entries: await listAudit(uc, actorOf(request), {
        organisationId: request.params.organisationId,
        ...definedOnly(request.query),
      }),
    }),
  );
};
