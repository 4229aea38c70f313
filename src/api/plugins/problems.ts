/**
 * Every error leaves the API as an RFC 9457 problem document. Errors from
 * Fastify and its plugins are first translated to the one AppError; the
 * PROBLEMS table then gives the status.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../core/errors.ts';
import { PROBLEM_CONTENT_TYPE, PROBLEMS, toProblem } from '../problem.ts';

/** Fastify's own error codes that have an exact meaning for clients. */
const FASTIFY_CODES: Record<string, (e: FastifyError) => AppError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new AppError('payload-too-large', 'the request body is too large'),
  FST_REQ_FILE_TOO_LARGE: () => new AppError('payload-too-large', 'the uploaded file is too large'),
  FST_FILES_LIMIT: () => new AppError('payload-too-large', 'too many files in one request'),
  FST_PARTS_LIMIT: () => new AppError('payload-too-large', 'too many parts in one request'),
  FST_FIELDS_LIMIT: () => new AppError('payload-too-large', 'too many fields in one request'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new AppError('unsupported-media-type', 'this content type is not accepted here; send application/json'),
  FST_INVALID_MULTIPART_CONTENT_TYPE: () =>
    new AppError('unsupported-media-type', 'send the file as multipart/form-data'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    AppError.invalid('the JSON body is empty', [{ field: '', message: 'is empty' }]),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    AppError.invalid('the Content-Length header does not match the body'),
};

export function asAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const e = error as Partial<FastifyError> & { statusCode?: number };
  const byCode = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (byCode) return byCode(e as FastifyError);
  const status = e.statusCode ?? 500;
  if (status === 400) {
    // Malformed JSON and similar parse failures: say so without echoing the input.
    return AppError.invalid('the request body could not be parsed', [
      { field: '', message: 'is not valid JSON' },
    ]);
  }
  if (status === 404) return AppError.notFound('the resource');
  if (status === 413) return new AppError('payload-too-large', 'the request is too large');
  if (status === 415) return new AppError('unsupported-media-type', 'this content type is not accepted here');
  if (status === 429) return new AppError('rate-limited', 'too many requests; try again later');
  if (status === 406) return AppError.invalid('the requested representation is not available');
  if (status >= 400 && status < 500) return AppError.invalid(e.message ?? 'the request is not valid');
  if (status === 503) return new AppError('unavailable', 'the service is temporarily unavailable');
  return new AppError('internal', 'unexpected error');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const problem = toProblem(error, request.url.split('?')[0] ?? request.url, String(request.id));
  // A problem is serialised as it is: the route's success schema does not apply to it.
  return reply
    .code(PROBLEMS[error.code].status)
    .type(PROBLEM_CONTENT_TYPE)
    .serializer(JSON.stringify)
    .send(problem);
}

/** A page the web app answers for paths the API does not know, when the web app is served. */
export type WebFallback = (request: FastifyRequest) => Buffer | undefined;

export function registerProblems(app: FastifyInstance, webFallback: WebFallback = () => undefined): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = asAppError(error);
    if (appError.code === 'internal') {
      request.log.error({ err: error }, 'unhandled error');
    } else if (!isAppError(error)) {
      // Only the codes: a parser's message can quote the body, and bodies may hold passwords.
      request.log.info({ code: appError.code, cause: (error as { code?: string }).code }, 'request rejected');
    }
    return sendProblem(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) => {
    const page = webFallback(request);
    if (page) return reply.type('text/html; charset=utf-8').send(page);
    return sendProblem(
      request,
      reply,
      new AppError('not-found', `no route for ${request.method} ${request.url.split('?')[0]}`),
    );
  });
}
