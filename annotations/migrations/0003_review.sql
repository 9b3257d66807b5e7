-- Tagdesk project schema, version 3: review.
-- The gold layer is the spans of the annotator named "gold". A reviewer's decisions are kept here:
-- each document's review status and reviewer, and the groups of spans the reviewer rejected.

-- A missing row means "not reviewed".
CREATE TABLE reviews (
	document_id INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
	status      TEXT NOT NULL CHECK (status IN ('in_review', 'reviewed')),
	reviewer    TEXT NOT NULL CHECK (reviewer <> ''),
	updated_at  TEXT NOT NULL
);

-- A rejected conflict: the reviewer decided that no span belongs at [start, end), the extent of the
-- group of annotators' spans they saw. The group shows as resolved while its extent stays the same.
CREATE TABLE rejections (
	document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	start       INTEGER NOT NULL CHECK (start >= 0),
	"end"       INTEGER NOT NULL CHECK ("end" > start),
	reviewer    TEXT NOT NULL CHECK (reviewer <> ''),
	created_at  TEXT NOT NULL,
	PRIMARY KEY (document_id, start, "end")
) WITHOUT ROWID;
