// A-Cube patch (scripts/lib/ferretdb-patches.mjs, acube-insert-encode-first): an insert command's
// documents are encoded into their INSERT statements before the transaction begins, so SQLite's
// single write lock is held for the INSERTs only. Upstream encoded each batch of BatchSize documents
// inside the transaction: after the first INSERT took the write lock, the JSON encoding of every later
// batch (4 of 5 for 500 documents) ran while every other writer waited.

package sqlite

import (
	"github.com/FerretDB/FerretDB/internal/types"
)

// acubeInsertStmt is one prepared INSERT of at most BatchSize documents.
type acubeInsertStmt struct {
	q    string
	args []any
}

// acubeInsertStatements splits docs into batches of batchSize and encodes each as upstream's
// InsertAll did inside its transaction (prepareInsertStatement).
func acubeInsertStatements(tableName string, capped bool, docs []*types.Document, batchSize int) ([]acubeInsertStmt, error) {
	if batchSize < 1 {
		panic("batch-size should be greater or equal to 1")
	}

	stmts := make([]acubeInsertStmt, 0, (len(docs)+batchSize-1)/batchSize)

	for len(docs) > 0 {
		i := min(batchSize, len(docs))

		var batch []*types.Document
		batch, docs = docs[:i], docs[i:]

		q, args, err := prepareInsertStatement(tableName, capped, batch)
		if err != nil {
			return nil, err
		}

		stmts = append(stmts, acubeInsertStmt{q: q, args: args})
	}

	return stmts, nil
}
