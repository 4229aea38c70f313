-- Status summaries are replaced a batch of people at a time: one key, (person, holding), serves
-- both that and the reads by person. The per-row foreign key checks go (writers take the ids from
-- the rows they just read; deleting a holding deletes its summary), and ids compare byte by byte.
ALTER TABLE "holding_statuses" DROP CONSTRAINT "holding_statuses_holding_id_holdings_id_fk";--> statement-breakpoint
ALTER TABLE "holding_statuses" DROP CONSTRAINT "holding_statuses_person_id_people_id_fk";--> statement-breakpoint
DROP INDEX "holding_statuses_person_idx";--> statement-breakpoint
ALTER TABLE "holding_statuses" DROP CONSTRAINT "holding_statuses_pkey";--> statement-breakpoint
ALTER TABLE "holding_statuses" ALTER COLUMN "holding_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "holding_statuses" ALTER COLUMN "person_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "holding_statuses" ADD CONSTRAINT "holding_statuses_pkey" PRIMARY KEY("person_id","holding_id");
