-- Credits move into their completion's row (one row per completion for bulk imports), the per-row
-- foreign key check from completions to people goes, and completion ids compare byte by byte.
-- Existing credits are carried over in order before their table is dropped.
ALTER TABLE "completions" DROP CONSTRAINT "completions_person_id_people_id_fk";--> statement-breakpoint
ALTER TABLE "completions" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "completions" ALTER COLUMN "person_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "completions" ADD COLUMN "credits" jsonb;--> statement-breakpoint
UPDATE "completions" AS c SET "credits" = coalesce((
  SELECT jsonb_agg(
    jsonb_strip_nulls(jsonb_build_object(
      'credential', cc."credential",
      'units', cc."units_milli",
      'category', cc."category",
      'topic', cc."topic",
      'status', cc."status"
    )) ORDER BY cc."position")
  FROM "completion_credits" AS cc WHERE cc."completion_id" = c."id"
), '[]'::jsonb);--> statement-breakpoint
ALTER TABLE "completions" ALTER COLUMN "credits" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "completions" ADD CONSTRAINT "completions_credits_array" CHECK (jsonb_typeof("completions"."credits") = 'array');--> statement-breakpoint
DROP TABLE "completion_credits";
