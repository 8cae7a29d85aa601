CREATE TABLE "import_sources" (
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"source_id" text NOT NULL,
	"record_id" uuid NOT NULL,
	"source_hash" text NOT NULL,
	"imported_at" bigint NOT NULL,
	CONSTRAINT "import_sources_kind_source_source_id_pk" PRIMARY KEY("kind","source","source_id")
);
