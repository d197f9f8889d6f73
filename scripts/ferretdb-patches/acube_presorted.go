// A-Cube patch (added file, not upstream): the iterator used instead of SortIterator when the
// SQLite backend returned rows already sorted (acube_pushdown.go).
//
// The backend orders by (field, _id) with SQL values. Type classes come out in BSON order, and so do
// the values inside each class for the field (the backend checked) and for _id of class null, number,
// string, ObjectId, bool and date. An _id of another class (object, binData, timestamp, regex) among
// equal field values is ordered here: such a run is collected and sorted with SortDocuments, so the
// result is exactly what SortIterator gives, while everything else streams without being held.
package common

import (
	"errors"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
)

type acubePresorted struct {
	src    types.DocumentsIterator
	sort   *types.Document
	field  string
	queue  []*types.Document
	peeked *types.Document
	done   bool
}

// AcubePresorted wraps an iterator whose rows the backend sorted by field (then _id).
func AcubePresorted(src types.DocumentsIterator, sort *types.Document, field string) types.DocumentsIterator {
	return &acubePresorted{src: src, sort: sort, field: field}
}

func acubeIDNeedsSort(doc *types.Document) bool {
	id, _ := doc.Get("_id")

	switch id.(type) {
	case *types.Document, types.Binary, types.Timestamp, types.Regex, *types.Array:
		return true
	default:
		return false
	}
}

func (it *acubePresorted) key(doc *types.Document) any {
	v, err := doc.Get(it.field)
	if err != nil || v == nil {
		return types.Null
	}

	return v
}

func (it *acubePresorted) pull() (*types.Document, error) {
	if it.peeked != nil {
		d := it.peeked
		it.peeked = nil

		return d, nil
	}

	if it.done {
		return nil, iterator.ErrIteratorDone
	}

	_, d, err := it.src.Next()
	if err != nil {
		if errors.Is(err, iterator.ErrIteratorDone) {
			it.done = true
		}

		return nil, err
	}

	return d, nil
}

// Next implements iterator.Interface.
func (it *acubePresorted) Next() (struct{}, *types.Document, error) {
	var unused struct{}

	if len(it.queue) > 0 {
		d := it.queue[0]
		it.queue = it.queue[1:]

		return unused, d, nil
	}

	d, err := it.pull()
	if err != nil {
		return unused, nil, err
	}

	if !acubeIDNeedsSort(d) {
		return unused, d, nil
	}

	run := []*types.Document{d}
	k := it.key(d)

	for {
		n, err := it.pull()
		if err != nil {
			if errors.Is(err, iterator.ErrIteratorDone) {
				break
			}

			return unused, nil, err
		}

		if !acubeIDNeedsSort(n) || types.CompareOrderForSort(k, it.key(n), types.Ascending) != types.Equal {
			it.peeked = n
			break
		}

		run = append(run, n)
	}

	if err := SortDocuments(run, it.sort); err != nil {
		return unused, nil, lazyerrors.Error(err)
	}

	it.queue = run[1:]

	return unused, run[0], nil
}

// Close implements iterator.Interface.
func (it *acubePresorted) Close() {
	it.src.Close()
}

// check interfaces
var (
	_ types.DocumentsIterator = (*acubePresorted)(nil)
)

// AcubeSortSpec returns the field of a sort document {field: d} + {_id: d} (same direction, top-level
// field) that the backend may push down, or "".
func AcubeSortSpec(sort *types.Document) (string, bool) {
	if sort.Len() != 2 {
		return "", false
	}

	keys := sort.Keys()
	if keys[1] != "_id" || keys[0] == "_id" || keys[0] == "$natural" {
		return "", false
	}

	a, _ := sort.Get(keys[0])
	b, _ := sort.Get(keys[1])

	ai, ok1 := a.(int64)
	bi, ok2 := b.(int64)

	if !ok1 || !ok2 || ai != bi {
		return "", false
	}

	for _, r := range keys[0] {
		if !(r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return "", false
		}
	}

	return keys[0], ai == -1
}

// AcubeProjectionUsesFilter reports whether a projection reads the filter (positional `$`), so the
// filter must stay with the find even when the backend returned exactly its matches.
func AcubeProjectionUsesFilter(projection *types.Document) bool {
	for _, k := range projection.Keys() {
		for _, r := range k {
			if r == '$' {
				return true
			}
		}
	}

	return false
}
