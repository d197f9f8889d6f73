// A-Cube patch (added file, not upstream): the oplog decorator's wrapped collection, for AcubeUnwrap.

package oplog

import "github.com/FerretDB/FerretDB/internal/backends"

// AcubeInner returns the wrapped collection.
func (c *collection) AcubeInner() backends.Collection {
	return c.origC
}
