// A-Cube patch (added file, not upstream): the `acubeIdentical` command.
//
//	{acubeIdentical: "<collection>", $db: "<db>", data: BinData(<BSON documents, back to back>)}
//	→ {identical: [<index of each given document the collection stores exactly>], ok: 1}
//
// The documents travel as one binary field so they arrive byte for byte as the backup holds them (a
// driver would re-encode deserialised documents, and a whole double can come back as an int32). Only
// backends that implement the comparison answer; others return CommandNotFound, and the caller falls
// back to reading and comparing the documents itself. Read-only; no data leaves the server.

package handler

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/FerretDB/wire"
	"github.com/FerretDB/wire/wirebson"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/bson"
	"github.com/FerretDB/FerretDB/internal/handler/common"
	"github.com/FerretDB/FerretDB/internal/handler/handlererrors"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

type acubeIdenticalCollection interface {
	AcubeIdentical(ctx context.Context, docs []*types.Document) ([]bool, error)
}

// MsgAcubeIdentical implements the `acubeIdentical` command.
func (h *Handler) MsgAcubeIdentical(connCtx context.Context, msg *wire.OpMsg) (*wire.OpMsg, error) {
	document, err := opMsgDocument(msg)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	dbName, err := common.GetRequiredParam[string](document, "$db")
	if err != nil {
		return nil, err
	}

	collName, err := common.GetRequiredParam[string](document, "acubeIdentical")
	if err != nil {
		return nil, err
	}

	data, err := common.GetRequiredParam[types.Binary](document, "data")
	if err != nil {
		return nil, err
	}

	db, err := h.b.Database(dbName)
	if err != nil {
		if backends.ErrorCodeIs(err, backends.ErrorCodeDatabaseNameIsInvalid) {
			msg := fmt.Sprintf("Invalid namespace specified '%s.%s'", dbName, collName)
			return nil, handlererrors.NewCommandErrorMsgWithArgument(handlererrors.ErrInvalidNamespace, msg, "acubeIdentical")
		}

		return nil, lazyerrors.Error(err)
	}

	c, err := db.Collection(collName)
	if err != nil {
		if backends.ErrorCodeIs(err, backends.ErrorCodeCollectionNameIsInvalid) {
			msg := fmt.Sprintf("Invalid collection name: %s", collName)
			return nil, handlererrors.NewCommandErrorMsgWithArgument(handlererrors.ErrInvalidNamespace, msg, "acubeIdentical")
		}

		return nil, lazyerrors.Error(err)
	}

	ic, ok := backends.AcubeUnwrap(c).(acubeIdenticalCollection)
	if !ok {
		return nil, handlererrors.NewCommandErrorMsg(handlererrors.ErrCommandNotFound, "acubeIdentical: not supported by this backend")
	}

	var docs []*types.Document

	for b := data.B; len(b) > 0; {
		if len(b) < 5 {
			return nil, handlererrors.NewCommandErrorMsg(handlererrors.ErrBadValue, "acubeIdentical: data ends inside a document")
		}

		n := int(binary.LittleEndian.Uint32(b))
		if n < 5 || n > len(b) {
			return nil, handlererrors.NewCommandErrorMsg(handlererrors.ErrBadValue, "acubeIdentical: bad document length in data")
		}

		d, err := bson.ToDocument(wirebson.RawDocument(b[:n]))
		if err != nil {
			return nil, handlererrors.NewCommandErrorMsg(handlererrors.ErrBadValue, "acubeIdentical: "+err.Error())
		}

		docs = append(docs, d)
		b = b[n:]
	}

	same, err := ic.AcubeIdentical(connCtx, docs)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	idx := types.MakeArray(len(docs))

	for i, s := range same {
		if s {
			idx.Append(int32(i))
		}
	}

	return documentOpMsg(must.NotFail(types.NewDocument(
		"identical", idx,
		"ok", float64(1),
	)))
}
