// A-Cube patch (added file, not upstream): lets a command reach a backend's own collection methods
// (the acubeIdentical command) through the contract wrapper and the decorators (oplog).

package backends

// acubeInner is implemented by decorators that wrap a collection (acube_inner.go in oplog).
type acubeInner interface {
	AcubeInner() Collection
}

// AcubeUnwrap returns the backend's own collection behind the contract wrapper and any decorators.
func AcubeUnwrap(c Collection) Collection {
	for {
		switch x := c.(type) {
		case *collectionContract:
			c = x.c
		case acubeInner:
			c = x.AcubeInner()
		default:
			return c
		}
	}
}
