/**
 * Evidence: certificate files attached to a completion. The bytes go to file
 * storage (checked for size and for a type the content really has), the
 * metadata and SHA-256 to the store, and the completion gains an evidence
 * entry pointing at the file.
 */
import { AppError } from '../core/errors.ts';
import type { Completion } from '../core/profile/schema.ts';
import { fileKey, sha256Hex } from '../files/storage.ts';
import type { EvidenceFile } from '../store/model.ts';
import { requirePersonRead, requirePersonWrite } from './access.ts';
import { recordChange } from './audit.ts';
import { type Actor, nowIso, type UseCaseContext } from './context.ts';

export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;

/** Accepted types and the bytes each must start with, so a renamed executable is refused. */
const SIGNATURES: Record<string, (b: Uint8Array) => boolean> = {
  'application/pdf': (b) => startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d]),
  'image/png': (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/jpeg': (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  'image/webp': (b) =>
    startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b.subarray(8), [0x57, 0x45, 0x42, 0x50]),
};

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((v, i) => bytes[i] === v);
}

/** The link an evidence entry in a profile uses for an uploaded file. */
export const evidenceLink = (id: string) => `evidence:${id}`;

export interface EvidenceUpload {
  name: string;
  mediaType: string;
  bytes: Uint8Array;
}

export async function uploadEvidence(
  ctx: UseCaseContext,
  actor: Actor,
  completionId: string,
  upload: EvidenceUpload,
): Promise<EvidenceFile> {
  const mediaType = upload.mediaType.split(';')[0]!.trim().toLowerCase();
  const check = SIGNATURES[mediaType];
  if (!check) {
    throw new AppError(
      'unsupported-media-type',
      `evidence must be one of: ${Object.keys(SIGNATURES).join(', ')}`,
      [{ field: 'mediaType', message: `${mediaType} is not accepted` }],
    );
  }
  if (upload.bytes.byteLength > MAX_EVIDENCE_BYTES) {
    throw new AppError(
      'payload-too-large',
      `evidence files are limited to ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB`,
    );
  }
  if (upload.bytes.byteLength === 0 || !check(upload.bytes)) {
    throw AppError.invalid('the file content is not what its type says', [
      { field: 'file', message: `this is not a ${mediaType} file` },
    ]);
  }
  const name = upload.name.replace(/[^\w.\- ]/g, '_').slice(0, 200) || 'evidence';
  // Check access before any bytes are written.
  const completion = await ctx.store.records.findCompletion(completionId);
  if (!completion) throw AppError.notFound(`completion ${completionId}`);
  await requirePersonWrite(ctx.store, actor, completion.personId);

  const id = ctx.newId();
  const key = fileKey('evidence', completion.personId, id);
  const stored = await ctx.files.put(key, upload.bytes);
  try {
    return await ctx.store.transaction(async (tx) => {
      const current = await tx.records.findCompletion(completionId);
      if (!current) throw AppError.notFound(`completion ${completionId}`);
      const file: EvidenceFile = {
        id,
        personId: current.personId,
        completionId,
        name,
        mediaType,
        size: stored.size,
        sha256: stored.sha256,
        storageKey: key,
        createdAt: nowIso(ctx),
      };
      await tx.evidence.insert(file);
      const updated: Completion = {
        ...current.completion,
        evidence: [...current.completion.evidence, { file: evidenceLink(id), sha256: stored.sha256 }],
      };
      await tx.records.updateCompletion(completionId, updated);
      await recordChange(ctx, tx, actor, {
        action: 'evidence.upload',
        entity: 'evidence',
        entityId: id,
        personId: current.personId,
        after: file,
      });
      return file;
    });
  } catch (error) {
    await ctx.files.delete(key);
    throw error;
  }
}

export async function readEvidence(
  ctx: UseCaseContext,
  actor: Actor,
  evidenceId: string,
): Promise<{ file: EvidenceFile; bytes: Uint8Array }> {
  const file = await ctx.store.evidence.findById(evidenceId);
  if (!file) throw AppError.notFound(`evidence ${evidenceId}`);
  await requirePersonRead(ctx.store, actor, file.personId, 'records');
  const bytes = await ctx.files.get(file.storageKey);
  if (sha256Hex(bytes) !== file.sha256) {
    throw new AppError('internal', 'the stored evidence file no longer matches its recorded hash');
  }
  return { file, bytes };
}

export async function deleteEvidence(ctx: UseCaseContext, actor: Actor, evidenceId: string): Promise<void> {
  const file = await ctx.store.transaction(async (tx) => {
    const found = await tx.evidence.findById(evidenceId);
    if (!found) throw AppError.notFound(`evidence ${evidenceId}`);
    await requirePersonWrite(tx, actor, found.personId);
    await tx.evidence.delete(evidenceId);
    if (found.completionId) {
      const current = await tx.records.findCompletion(found.completionId);
      if (current) {
        await tx.records.updateCompletion(found.completionId, {
          ...current.completion,
          evidence: current.completion.evidence.filter((e) => e.file !== evidenceLink(evidenceId)),
        });
      }
    }
    await recordChange(ctx, tx, actor, {
      action: 'evidence.delete',
      entity: 'evidence',
      entityId: evidenceId,
      personId: found.personId,
      before: found,
    });
    return found;
  });
  await ctx.files.delete(file.storageKey);
}
