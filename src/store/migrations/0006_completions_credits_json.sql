-- A completion's credits are stored as the text written and read back as it is (json), instead of
-- being re-encoded on the way in and out (jsonb): no SQL looks inside them.
ALTER TABLE "completions" DROP CONSTRAINT "completions_credits_array";--> statement-breakpoint
ALTER TABLE "completions" ALTER COLUMN "credits" SET DATA TYPE json USING "credits"::json;--> statement-breakpoint
ALTER TABLE "completions" ADD CONSTRAINT "completions_credits_array" CHECK (json_typeof("completions"."credits") = 'array');
