/**
 * Evidence: certificate files attached to a completion. Uploads are
 * multipart/form-data with one file part, limited in size and type (PDF,
 * PNG, JPEG, WebP, checked by content, not only by the declared type).
 */
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { deleteEvidence, MAX_EVIDENCE_BYTES, readEvidence, uploadEvidence } from '../../usecases/evidence.ts';
import type { RouteGroup } from '../app.ts';
import { actorOf } from '../plugins/auth.ts';
import { problemResponses } from '../problem.ts';
import { EvidenceFileSchema } from '../schemas/domain.ts';
import { validatorCompiler } from '../validation.ts';
import { Id } from './people.ts';

const UploadForm = z
  .object({
    file: z.string().meta({ format: 'binary' }).describe('A PDF, PNG, JPEG or WebP certificate, up to 10 MB'),
  })
  .describe('multipart/form-data with one file part');

// The multipart body is read by the handler as a stream; the schema above only documents it.
const multipartValidator: FastifySchemaCompiler<z.ZodType> = (route) =>
  route.httpPart === 'body' ? () => ({ value: undefined }) : validatorCompiler(route);

/**
 * What reading the form can fail with, said as a problem: a file over the limit stays 413; a form
 * of fields without a file, and a body the multipart parser cannot read (no boundary, cut off
 * part way), are the client's mistake, not the server's.
 */
function unreadableForm(error: unknown): never {
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_FIELDS_LIMIT')
    throw AppError.invalid("send the certificate as the form's one file part, with no other fields", [
      { field: 'file', message: 'is required; the form had other fields' },
    ]);
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) throw error;
  const reason = error instanceof Error ? error.message : String(error);
  throw AppError.invalid(`the multipart/form-data body could not be read (${reason})`, [
    { field: 'file', message: 'send one complete file part' },
  ]);
}

export const evidenceRoutes: RouteGroup = (app, { uc }) => {
  app.post(
    '/completions/:completionId/evidence',
    {
      validatorCompiler: multipartValidator as never,
      schema: {
        tags: ['evidence'],
        summary: 'Upload a certificate for a completion',
        consumes: ['multipart/form-data'],
        params: z.object({ completionId: Id }),
        body: UploadForm,
        response: { 201: EvidenceFileSchema, ...problemResponses(401, 403, 404, 413, 415) },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart())
        throw new AppError('unsupported-media-type', 'send the file as multipart/form-data');
      const part = await request
        .file({ limits: { fileSize: MAX_EVIDENCE_BYTES, files: 1, fields: 0, parts: 2 } })
        .catch(unreadableForm);
      if (!part) throw AppError.invalid('no file was sent', [{ field: 'file', message: 'is required' }]);
      const bytes = await part.toBuffer().catch(unreadableForm);
      const file = await uploadEvidence(uc, actorOf(request), request.params.completionId, {
        name: part.filename || 'certificate',
        mediaType: part.mimetype,
        bytes,
      });
      reply.code(201);
      return file;
    },
  );

  app.get(
    '/evidence/:evidenceId',
    {
      schema: {
        tags: ['evidence'],
        summary: 'Download an evidence file (needs records consent)',
        description: 'Responds with the file’s bytes and its media type.',
        params: z.object({ evidenceId: Id }),
        response: {
          200: {
            description: 'The file, with the media type it was uploaded as',
            content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
          },
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { file, bytes } = await readEvidence(uc, actorOf(request), request.params.evidenceId);
      return (
        reply
          .type(file.mediaType)
          .header('x-content-type-options', 'nosniff')
          .header('content-disposition', `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`)
          .header('cache-control', 'private, no-store')
          // Raw bytes: Fastify sends a Buffer as is, without the JSON serialiser.
          .send(Buffer.from(bytes) as never)
      );
    },
  );

  app.delete(
    '/evidence/:evidenceId',
    {
      schema: {
        tags: ['evidence'],
        summary: 'Delete an evidence file',
        params: z.object({ evidenceId: Id }),
        response: { 204: z.undefined(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deleteEvidence(uc, actorOf(request), request.params.evidenceId);
      return reply.code(204).send();
    },
  );
};
