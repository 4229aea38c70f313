-- Renewals move into their holding's row, in the profile document's own form (a bare date, or
-- {"date", "kind"}), so reading a holding needs no lookup per holding. Existing renewals are
-- carried over in order before their table is dropped.
ALTER TABLE "holdings" ADD COLUMN "renewals" json DEFAULT '[]'::json NOT NULL;--> statement-breakpoint
UPDATE "holdings" AS h SET "renewals" = r."list" FROM (
  SELECT "holding_id", json_agg(
    CASE WHEN "kind" IS NULL THEN to_json(to_char("date", 'YYYY-MM-DD'))
    ELSE json_build_object('date', to_char("date", 'YYYY-MM-DD'), 'kind', "kind") END
    ORDER BY "position") AS "list"
  FROM "holding_renewals" GROUP BY "holding_id"
) AS r WHERE r."holding_id" = h."id";--> statement-breakpoint
ALTER TABLE "holdings" ADD CONSTRAINT "holdings_renewals_array" CHECK (json_typeof("holdings"."renewals") = 'array');--> statement-breakpoint
DROP TABLE "holding_renewals";
