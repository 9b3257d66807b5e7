-- Tagdesk project schema, version 2.
-- Times are stored with all nine digits of the fraction so that they sort as text: version 1 dropped
-- trailing zeros, and "12:00:05.1Z" sorted after "12:00:05.15Z". Times were always written in UTC ("Z").

UPDATE spans SET
	created_at = CASE
		WHEN created_at GLOB '????-??-??T??:??:??Z' THEN substr(created_at, 1, 19) || '.000000000Z'
		WHEN created_at GLOB '????-??-??T??:??:??.*Z'
			THEN substr(created_at, 1, 20) || substr(substr(created_at, 21, length(created_at) - 21) || '000000000', 1, 9) || 'Z'
		ELSE created_at END,
	updated_at = CASE
		WHEN updated_at GLOB '????-??-??T??:??:??Z' THEN substr(updated_at, 1, 19) || '.000000000Z'
		WHEN updated_at GLOB '????-??-??T??:??:??.*Z'
			THEN substr(updated_at, 1, 20) || substr(substr(updated_at, 21, length(updated_at) - 21) || '000000000', 1, 9) || 'Z'
		ELSE updated_at END
WHERE length(created_at) < 30 OR length(updated_at) < 30;

UPDATE statuses SET updated_at = CASE
		WHEN updated_at GLOB '????-??-??T??:??:??Z' THEN substr(updated_at, 1, 19) || '.000000000Z'
		WHEN updated_at GLOB '????-??-??T??:??:??.*Z'
			THEN substr(updated_at, 1, 20) || substr(substr(updated_at, 21, length(updated_at) - 21) || '000000000', 1, 9) || 'Z'
		ELSE updated_at END
WHERE length(updated_at) < 30;

UPDATE annotators SET created_at = CASE
		WHEN created_at GLOB '????-??-??T??:??:??Z' THEN substr(created_at, 1, 19) || '.000000000Z'
		WHEN created_at GLOB '????-??-??T??:??:??.*Z'
			THEN substr(created_at, 1, 20) || substr(substr(created_at, 21, length(created_at) - 21) || '000000000', 1, 9) || 'Z'
		ELSE created_at END
WHERE length(created_at) < 30;

UPDATE documents SET created_at = CASE
		WHEN created_at GLOB '????-??-??T??:??:??Z' THEN substr(created_at, 1, 19) || '.000000000Z'
		WHEN created_at GLOB '????-??-??T??:??:??.*Z'
			THEN substr(created_at, 1, 20) || substr(substr(created_at, 21, length(created_at) - 21) || '000000000', 1, 9) || 'Z'
		ELSE created_at END
WHERE length(created_at) < 30;

-- find the document an annotator last worked on (LastDocument) without reading all their spans
CREATE INDEX spans_annotator_updated ON spans (annotator_id, updated_at, document_id);
CREATE INDEX statuses_annotator_updated ON statuses (annotator_id, updated_at, document_id);
