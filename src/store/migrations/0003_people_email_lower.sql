DROP INDEX "people_email_idx";--> statement-breakpoint
CREATE INDEX "people_email_lower_idx" ON "people" USING btree (lower("email"));