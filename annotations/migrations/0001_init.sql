-- Tagdesk project schema, version 1.
-- Offsets are Unicode code points, half-open [start, end), over texts.text.
-- Times are RFC 3339 UTC text.

CREATE TABLE labels (
	id        INTEGER PRIMARY KEY,
	name      TEXT NOT NULL UNIQUE CHECK (name <> ''),
	color     TEXT NOT NULL,                -- "#rrggbb"
	hotkey    TEXT NOT NULL DEFAULT '',     -- one character, or none
	guideline TEXT NOT NULL DEFAULT '',
	position  INTEGER NOT NULL              -- order in the label panel, from 0
);

CREATE TABLE annotators (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
	created_at TEXT NOT NULL
);

-- One row per distinct normalised text; the text itself lives in texts so that listing documents
-- never reads it.
CREATE TABLE documents (
	id         INTEGER PRIMARY KEY,
	hash       TEXT NOT NULL UNIQUE,         -- hex SHA-256 of the normalised text
	name       TEXT NOT NULL,
	source_id  TEXT NOT NULL DEFAULT '',     -- the id the document had where it came from
	meta       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta) AND json_type(meta) = 'object'),
	length     INTEGER NOT NULL,             -- in code points
	first_line TEXT NOT NULL DEFAULT '',     -- the first non-blank line, at most 200 code points
	created_at TEXT NOT NULL
);

-- finds documents that share a source id, which exports would mix up
CREATE INDEX documents_source ON documents (source_id) WHERE source_id <> '';

CREATE TABLE texts (
	document_id INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
	text        TEXT NOT NULL
);

CREATE TABLE spans (
	id           INTEGER PRIMARY KEY,
	document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	annotator_id INTEGER NOT NULL REFERENCES annotators (id),
	label_id     INTEGER NOT NULL REFERENCES labels (id),
	start        INTEGER NOT NULL CHECK (start >= 0),
	"end"        INTEGER NOT NULL CHECK ("end" > start),
	note         TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	-- Two identical spans are one span. The order also serves "a document's spans in text order".
	UNIQUE (document_id, start, "end", label_id, annotator_id)
);
CREATE INDEX spans_label ON spans (label_id, annotator_id);

-- A missing row means "new".
CREATE TABLE statuses (
	document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	annotator_id INTEGER NOT NULL REFERENCES annotators (id),
	status       TEXT NOT NULL CHECK (status IN ('in_progress', 'done')),
	updated_at   TEXT NOT NULL,
	PRIMARY KEY (document_id, annotator_id)
) WITHOUT ROWID;
CREATE INDEX statuses_annotator ON statuses (annotator_id, status);
