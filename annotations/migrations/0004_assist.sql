-- Tagdesk project schema, version 4: assisted annotation.
-- Suggestions (from rules, propagation or a model) are a layer of their own, never anyone's spans until
-- an annotator accepts one. Relations link two spans of one annotator. Labels define typed attributes,
-- and spans carry their values.

-- Projects of version 1 created before the index was added to 0001_init.sql lack it.
CREATE INDEX IF NOT EXISTS documents_source ON documents (source_id) WHERE source_id <> '';

-- The attributes a label's spans can carry: a JSON array of {"name", "type", "values", "cues"}.
ALTER TABLE labels ADD COLUMN attributes TEXT NOT NULL DEFAULT '[]'
	CHECK (json_valid(attributes) AND json_type(attributes) = 'array');

-- A span's attribute values: a JSON object of name to number, string or boolean.
ALTER TABLE spans ADD COLUMN attrs TEXT NOT NULL DEFAULT '{}'
	CHECK (json_valid(attrs) AND json_type(attrs) = 'object');

CREATE TABLE relation_types (
	id       INTEGER PRIMARY KEY,
	name     TEXT NOT NULL UNIQUE CHECK (name <> ''),
	color    TEXT NOT NULL,              -- "#rrggbb"
	position INTEGER NOT NULL            -- order in lists, from 0
);
INSERT INTO relation_types (name, color, position) VALUES ('attributed_to', '#555555', 0);

-- A directed link between two spans of the same document and annotator ("this claim is attributed to
-- that actor"). It goes with either span.
CREATE TABLE relations (
	id          INTEGER PRIMARY KEY,
	document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	from_span   INTEGER NOT NULL REFERENCES spans (id) ON DELETE CASCADE,
	to_span     INTEGER NOT NULL REFERENCES spans (id) ON DELETE CASCADE,
	type_id     INTEGER NOT NULL REFERENCES relation_types (id),
	created_at  TEXT NOT NULL,
	CHECK (from_span <> to_span),
	UNIQUE (from_span, to_span, type_id)
);
CREATE INDEX relations_to ON relations (to_span);
CREATE INDEX relations_document ON relations (document_id);

-- Spans proposed to annotators. source names where they came from: "rules", "propagation", or the
-- name given to a model's predictions at import. score is the model's, when it gave one.
CREATE TABLE suggestions (
	id          INTEGER PRIMARY KEY,
	document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	label_id    INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
	start       INTEGER NOT NULL CHECK (start >= 0),
	"end"       INTEGER NOT NULL CHECK ("end" > start),
	source      TEXT NOT NULL CHECK (source <> ''),
	score       REAL,
	created_at  TEXT NOT NULL,
	UNIQUE (document_id, start, "end", label_id, source)
);
CREATE INDEX suggestions_source ON suggestions (source);

-- A suggestion an annotator turned down. It is not offered to them again, whatever source suggests it.
CREATE TABLE suggestion_rejections (
	document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	annotator_id INTEGER NOT NULL REFERENCES annotators (id),
	label_id     INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
	start        INTEGER NOT NULL CHECK (start >= 0),
	"end"        INTEGER NOT NULL CHECK ("end" > start),
	created_at   TEXT NOT NULL,
	PRIMARY KEY (document_id, annotator_id, start, "end", label_id)
) WITHOUT ROWID;

-- The project's rules: a regular expression or a word list (one entry per line) that suggests spans of
-- a label.
CREATE TABLE rules (
	id             INTEGER PRIMARY KEY,
	label_id       INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
	kind           TEXT NOT NULL CHECK (kind IN ('regex', 'words')),
	pattern        TEXT NOT NULL CHECK (pattern <> ''),
	case_sensitive INTEGER NOT NULL DEFAULT 0 CHECK (case_sensitive IN (0, 1)),
	enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	note           TEXT NOT NULL DEFAULT '',
	position       INTEGER NOT NULL
);

-- Project-wide settings, such as whether rules run when a document opens.
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
