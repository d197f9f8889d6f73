// A-Cube patch (scripts/lib/ferretdb-patches.mjs, acube-update-one-statement): the documents of one batch
// (internal/handler/common/acube_update.go) written by one UPDATE statement instead of one per document.
//
// Why: SQLite compiles every expression of every index of the table into an UPDATE of the document
// column (the old and the new key of each), and FerretDB's driver (modernc.org/sqlite v1.32) prepares a
// statement again at every Exec, even through database/sql's Prepare: ~30 % of FerretDB's CPU while the
// outbox marked messages sent (round 5 profile) was preparing those UPDATEs. One statement per batch
// compiles them once:
//
//	UPDATE t SET doc = CASE <_id expression> WHEN ?id1 THEN ?doc1 WHEN ?id2 THEN ?doc2 … END
//	WHERE <_id expression> IN (?id1, ?id2, …)
//
// (the IN list is a search of the _id index; an UPDATE … FROM (VALUES …) was measured to scan the table
// instead). SQLite writes the rows in its own order, not the batch's; the handler asks for this only when
// the order cannot matter: no unique index's field is touched by the update, so no row's write can fail a
// unique check whatever the order, and the final state is the same. Documents are encoded before the
// write, outside SQLite's write lock. Duplicate _ids in a batch (a command never has them) take upstream's
// path.

package sqlite

import (
	"context"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// acubeUpdateOneStatement writes docs with one UPDATE. ok is false when it did not try (duplicate _ids).
func acubeUpdateOneStatement(ctx context.Context, db *fsql.DB, table string, docs []*types.Document) (updated int32, ok bool, err error) {
	seen := make(map[string]struct{}, len(docs))
	cases := make([]any, 0, 2*len(docs))
	ids := make([]any, 0, len(docs))

	for _, doc := range docs {
		b, err := sjson.Marshal(doc)
		if err != nil {
			return 0, true, lazyerrors.Error(err)
		}

		id, _ := doc.Get("_id")
		must.NotBeZero(id)

		arg := string(must.NotFail(sjson.MarshalSingleValue(id)))
		if _, dup := seen[arg]; dup {
			return 0, false, nil
		}

		seen[arg] = struct{}{}
		cases = append(cases, arg, string(b))
		ids = append(ids, arg)
	}

	var q strings.Builder

	q.WriteString(`UPDATE "`)
	q.WriteString(strings.ReplaceAll(table, `"`, `""`))
	q.WriteString(`" SET ` + metadata.DefaultColumn + ` = CASE ` + metadata.IDColumn)

	for range docs {
		q.WriteString(" WHEN ? THEN ?")
	}

	q.WriteString(" END WHERE " + metadata.IDColumn + " IN (?" + strings.Repeat(", ?", len(docs)-1) + ")")

	r, err := db.ExecContext(ctx, q.String(), append(cases, ids...)...)
	if err != nil {
		return 0, true, lazyerrors.Error(err)
	}

	ra, err := r.RowsAffected()
	if err != nil {
		return 0, true, lazyerrors.Error(err)
	}

	return int32(ra), true, nil
}
