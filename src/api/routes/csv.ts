/**
 * CSV files people already use: completions of one person or of a whole
 * roster, and an organisation's staff roster with each holding's status.
 * Imports are one transaction: a file with a bad row writes nothing (unless
 * onlyValid), and the problem names each bad row and column.
 */
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import {
  exportCompletionsCsv,
  exportRosterCsv,
  type ImportReport,
  importCompletionsCsv,
  importRosterCsv,
} from '../../usecases/imports.ts';
import type { RouteGroup } from '../app.ts';
import { actorOf } from '../plugins/auth.ts';
import { problemResponses } from '../problem.ts';
import { RosterQuerySchema, rosterQuery } from './organisations.ts';
import { Id, PersonParams } from './people.ts';

export const CSV_CONTENT_TYPE = 'text/csv';

const ImportQuery = z.object({
  onlyValid: z
    .enum(['true', 'false'])
    .optional()
    .describe('Import the valid rows even when some rows are bad'),
});

const Report = z
  .object({
    rows: z.number().int().describe('Data rows read'),
    imported: z.number().int(),
    errors: z
      .array(z.object({ row: z.number().int(), column: z.string(), reason: z.string() }))
      .describe('The problems found, by row: at most the first 1,000'),
    problems: z.number().int().describe('Every problem found, listed in errors or not'),
    badRows: z
      .number()
      .int()
      .describe(
        'Rows with at least one problem, each counted once (left out when only valid rows are imported)',
      ),
    committed: z.boolean(),
  })
  .meta({ id: 'ImportReport' });

const CsvBody = z.string().describe('A CSV file (text/csv); the first row names the columns');
const csvFile = {
  description: 'A CSV file',
  content: { [CSV_CONTENT_TYPE]: { schema: z.string() } },
};
const OrgParams = z.object({ organisationId: Id });
const errors = problemResponses(401, 403, 404, 413, 415);

/** A file that wrote nothing because of bad rows is a bad request naming each row and column. */
function reported(report: ImportReport): ImportReport {
  if (report.committed) return report;
  throw AppError.invalid(
    `the file has ${report.badRows} bad row${report.badRows === 1 ? '' : 's'}; nothing was imported` +
      (report.problems > report.errors.length
        ? ` (${report.problems} problems, the first ${report.errors.length} listed)`
        : ''),
    report.errors.map((e) => ({ field: e.column, message: e.reason, line: e.row, in: 'file' }) as never),
  );
}

async function sendCsv(reply: FastifyReply, filename: string, write: (out: PassThrough) => Promise<unknown>) {
  const out = new PassThrough();
  const done = write(out).then(
    () => out.end(),
    (error: unknown) => {
      out.destroy(error as Error);
      throw error;
    },
  );
  // Answer only once the first bytes are out (the use-case authorises before writing any), so a
  // refusal is still a problem document and not a broken file.
  await Promise.race([once(out, 'readable'), done]);
  done.catch(() => undefined);
  return reply
    .type(`${CSV_CONTENT_TYPE}; charset=utf-8`)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(out);
}

export const csvRoutes: RouteGroup = (app, { uc }) => {
  const body = (request: { body: string }) => Readable.from([request.body]);
  const only = (query: { onlyValid?: 'true' | 'false' | undefined }) => ({
    onlyValid: query.onlyValid === 'true',
  });

  app.post(
    '/people/:personId/completions.csv',
    {
      schema: {
        tags: ['imports and exports'],
        summary: 'Import completions for one person from CSV',
        consumes: [CSV_CONTENT_TYPE],
        params: PersonParams,
        querystring: ImportQuery,
        body: CsvBody,
        response: { 200: Report, ...errors },
      },
    },
    async (request) =>
      reported(
        await importCompletionsCsv(
          uc,
          actorOf(request),
          body(request),
          { personId: request.params.personId },
          only(request.query),
        ),
      ),
  );

  app.post(
    '/imports/completions.csv',
    {
      schema: {
        tags: ['imports and exports'],
        summary: 'Import completions for many people from CSV (a person column names each row’s person)',
        consumes: [CSV_CONTENT_TYPE],
        querystring: ImportQuery,
        body: CsvBody,
        response: { 200: Report, ...errors },
      },
    },
    async (request) =>
      reported(await importCompletionsCsv(uc, actorOf(request), body(request), {}, only(request.query))),
  );

  app.get(
    '/people/:personId/completions.csv',
    {
      schema: {
        tags: ['imports and exports'],
        summary: 'Export a person’s completions as CSV',
        params: PersonParams,
        response: { 200: csvFile, ...errors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { personId } = request.params;
      return sendCsv(reply, 'completions.csv', (out) => exportCompletionsCsv(uc, actor, { personId }, out));
    },
  );

  app.get(
    '/organisations/:organisationId/completions.csv',
    {
      schema: {
        tags: ['imports and exports'],
        summary: 'Export the completions of everyone on the roster whose records the organisation may see',
        params: OrgParams,
        response: { 200: csvFile, ...errors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { organisationId } = request.params;
      return sendCsv(reply, 'completions.csv', (out) =>
        exportCompletionsCsv(uc, actor, { organisationId }, out),
      );
    },
  );

  app.post(
    '/organisations/:organisationId/roster.csv',
    {
      schema: {
        tags: ['imports and exports'],
        summary: 'Import a staff roster from CSV',
        consumes: [CSV_CONTENT_TYPE],
        params: OrgParams,
        querystring: ImportQuery,
        body: CsvBody,
        response: { 200: Report, ...errors },
      },
    },
    async (request) =>
      reported(
        await importRosterCsv(
          uc,
          actorOf(request),
          request.params.organisationId,
          body(request),
          only(request.query),
        ),
      ),
  );

  app.get(
    '/organisations/:organisationId/roster.csv',
    {
      schema: {
        tags: ['imports and exports'],
        summary: 'Export the roster with each holding’s status, for insurers',
        description:
          'One row per line of the roster dashboard; the same filters and sort as /roster/lines narrow it ' +
          '(offset and limit are ignored: every matching line is written).',
        params: OrgParams,
        querystring: RosterQuerySchema,
        response: { 200: csvFile, ...errors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { organisationId } = request.params;
      const query = rosterQuery(request.query);
      return sendCsv(reply, 'roster.csv', (out) => exportRosterCsv(uc, actor, organisationId, out, query));
    },
  );
};
