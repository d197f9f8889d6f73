// A-Cube patch: update and findAndModify are read-modify-write in Go (the handler reads the matching
// documents, applies the update, writes them back by _id), so two concurrent commands on one
// collection could both read the old document and both "succeed": a conditional update
// ({_id, version: 3} → version 4) or `$inc` on a counter was not atomic. They now hold a lock per
// collection for the whole command, inside this FerretDB process (the embedded database is one process).

package handler

import "sync"

var acubeNamespaceLocks sync.Map // "db.collection" → *sync.Mutex

// acubeLockNamespace takes the collection's read-modify-write lock and returns its unlock.
func acubeLockNamespace(db, collection string) func() {
	m, _ := acubeNamespaceLocks.LoadOrStore(db+"."+collection, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()

	return mu.Unlock
}
