// A-Cube patch (scripts/lib/ferretdb-patches.mjs, acube-projection-fast): a find's inclusion
// projection of top-level fields only ({_id: 1, a: 1, b: 1}, the shape of every search page and export)
// is applied in one pass. Upstream deep-copied the whole document (twice for _id handling), then for every
// projected field looked it up, deep-copied the projection built so far and rebuilt it in source order
// (setBySourceOrder): ~24 % of FerretDB's CPU in an export of activity events (issue 12, round 4).
//
// The result is the one upstream builds: _id first (unless {_id: false}), then the included fields that
// the document has, in the document's order, each value copied (documents, arrays and binaries deeply,
// as upstream's DeepCopy does). Any other projection (dotted paths, positional `$`, computed values,
// exclusion, a non-boolean _id) takes upstream's path unchanged.

package common

import (
	"strings"

	"github.com/FerretDB/FerretDB/internal/types"
)

// acubeProjectTopLevel returns the projected document and true when the fast path applies.
func acubeProjectTopLevel(doc, projection *types.Document, inclusion bool) (*types.Document, bool) {
	if !inclusion {
		return nil, false
	}

	keys := projection.Keys()
	vals := projection.Values()
	keepID := true
	want := make(map[string]struct{}, len(keys))

	for i, k := range keys {
		v, ok := vals[i].(bool)
		if !ok {
			return nil, false
		}

		if k == "_id" {
			keepID = v
			continue
		}

		if !v || k == "" || strings.ContainsAny(k, ".$") {
			return nil, false
		}

		want[k] = struct{}{}
	}

	id, err := doc.Get("_id")
	if err != nil {
		return nil, false // upstream's path, which fails on a document without _id
	}

	projected := types.MakeDocument(len(want) + 1)
	if keepID {
		projected.Set("_id", id)
	}

	dk := doc.Keys()
	dv := doc.Values()

	for i, k := range dk {
		if k == "_id" {
			continue
		}

		if _, ok := want[k]; !ok {
			continue
		}

		projected.Set(k, acubeCopyValue(dv[i]))
	}

	projected.SetRecordID(doc.RecordID())

	return projected, true
}

// acubeCopyValue copies a value as types.Document.DeepCopy copies a field's value.
func acubeCopyValue(v any) any {
	switch v := v.(type) {
	case *types.Document:
		return v.DeepCopy()
	case *types.Array:
		return v.DeepCopy()
	case types.Binary:
		b := make([]byte, len(v.B))
		copy(b, v.B)

		return types.Binary{Subtype: v.Subtype, B: b}
	default:
		return v
	}
}
