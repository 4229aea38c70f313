CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"name" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"person_id" text,
	"organisation_id" text,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "completion_credits" (
	"completion_id" text NOT NULL,
	"position" integer NOT NULL,
	"credential" text NOT NULL,
	"units_milli" integer NOT NULL,
	"category" text,
	"topic" text,
	"status" text NOT NULL,
	CONSTRAINT "completion_credits_completion_id_position_pk" PRIMARY KEY("completion_id","position"),
	CONSTRAINT "credit_status_check" CHECK ("completion_credits"."status" in ('approved', 'pending', 'denied'))
);
--> statement-breakpoint
CREATE TABLE "completion_evidence" (
	"completion_id" text NOT NULL,
	"position" integer NOT NULL,
	"file" text,
	"sha256" text,
	"signed_record" text,
	CONSTRAINT "completion_evidence_completion_id_position_pk" PRIMARY KEY("completion_id","position")
);
--> statement-breakpoint
CREATE TABLE "completions" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"position" integer NOT NULL,
	"ref" text,
	"activity" text,
	"title" text,
	"provider" text,
	"completed" date NOT NULL,
	"hours" numeric,
	"format" text,
	"type" text,
	"event" text,
	"has_college" boolean DEFAULT false NOT NULL,
	"college_semester_hours" numeric,
	"college_quarter_hours" numeric,
	"college_grade" text,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consent_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"scope" text NOT NULL,
	"granted_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "consent_scope_check" CHECK ("consent_grants"."scope" in ('status', 'records'))
);
--> statement-breakpoint
CREATE TABLE "evidence_files" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"completion_id" text,
	"name" text NOT NULL,
	"media_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "holding_renewals" (
	"holding_id" text NOT NULL,
	"position" integer NOT NULL,
	"date" date NOT NULL,
	"kind" text,
	CONSTRAINT "holding_renewals_holding_id_position_pk" PRIMARY KEY("holding_id","position")
);
--> statement-breakpoint
CREATE TABLE "holding_statuses" (
	"holding_id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"credential" text NOT NULL,
	"as_of" date NOT NULL,
	"status" text NOT NULL,
	"cycle_start" date,
	"cycle_end" date,
	"required_milli" integer,
	"counted_milli" integer,
	"missing_milli" integer
);
--> statement-breakpoint
CREATE TABLE "holdings" (
	"id" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"position" integer NOT NULL,
	"credential" text NOT NULL,
	"earned" date NOT NULL,
	"expires" date,
	"number" text,
	"lifetime_plan" boolean,
	"member" boolean,
	"hands_on" boolean
);
--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" text
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"organisation_id" text NOT NULL,
	"account_id" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "memberships_organisation_id_account_id_pk" PRIMARY KEY("organisation_id","account_id"),
	CONSTRAINT "memberships_role_check" CHECK ("memberships"."role" in ('owner', 'admin', 'member', 'viewer'))
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text,
	"managed_by" text,
	"name" text,
	"email" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roster_entries" (
	"organisation_id" text NOT NULL,
	"person_id" text NOT NULL,
	"external_ref" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "roster_entries_organisation_id_person_id_pk" PRIMARY KEY("organisation_id","person_id")
);
--> statement-breakpoint
ALTER TABLE "completions" ADD CONSTRAINT "completions_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_grants" ADD CONSTRAINT "consent_grants_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_grants" ADD CONSTRAINT "consent_grants_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_files" ADD CONSTRAINT "evidence_files_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_files" ADD CONSTRAINT "evidence_files_completion_id_completions_id_fk" FOREIGN KEY ("completion_id") REFERENCES "public"."completions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "holding_renewals" ADD CONSTRAINT "holding_renewals_holding_id_holdings_id_fk" FOREIGN KEY ("holding_id") REFERENCES "public"."holdings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "holding_statuses" ADD CONSTRAINT "holding_statuses_holding_id_holdings_id_fk" FOREIGN KEY ("holding_id") REFERENCES "public"."holdings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "holding_statuses" ADD CONSTRAINT "holding_statuses_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "holdings" ADD CONSTRAINT "holdings_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_accounts_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_accepted_by_accounts_id_fk" FOREIGN KEY ("accepted_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_managed_by_organisations_id_fk" FOREIGN KEY ("managed_by") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_entries" ADD CONSTRAINT "roster_entries_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_entries" ADD CONSTRAINT "roster_entries_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_email_key" ON "accounts" USING btree ("email");--> statement-breakpoint
CREATE INDEX "audit_person_idx" ON "audit_log" USING btree ("person_id","seq");--> statement-breakpoint
CREATE INDEX "audit_org_idx" ON "audit_log" USING btree ("organisation_id","seq");--> statement-breakpoint
CREATE INDEX "completions_person_idx" ON "completions" USING btree ("person_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "consent_active_key" ON "consent_grants" USING btree ("person_id","organisation_id") WHERE "consent_grants"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "consent_org_idx" ON "consent_grants" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "evidence_person_idx" ON "evidence_files" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "holding_statuses_person_idx" ON "holding_statuses" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "holdings_person_idx" ON "holdings" USING btree ("person_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_token_key" ON "invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "invitations_org_idx" ON "invitations" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "memberships_account_idx" ON "memberships" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "people_account_key" ON "people" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "people_managed_by_idx" ON "people" USING btree ("managed_by");--> statement-breakpoint
CREATE INDEX "people_email_idx" ON "people" USING btree ("email");--> statement-breakpoint
CREATE INDEX "roster_person_idx" ON "roster_entries" USING btree ("person_id");