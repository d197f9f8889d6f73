// A-Cube patch: the count command honours maxTimeMS (upstream parses and ignores it), the same way
// find and aggregate do: the query's context is cancelled when the time is up, and the error is
// answered as MaxTimeMSExpired (code 50) by handleMaxTimeMSError.

package handler

import (
	"context"
	"time"
)

// acubeMaxTime returns ctx cancelled after maxTimeMS milliseconds (0: never) and the function that
// releases its timer.
func acubeMaxTime(ctx context.Context, maxTimeMS int64) (context.Context, context.CancelFunc) {
	if maxTimeMS <= 0 {
		return ctx, func() {}
	}

	ctx, cancel := context.WithCancel(ctx)
	t := time.AfterFunc(time.Duration(maxTimeMS)*time.Millisecond, cancel)

	return ctx, func() {
		t.Stop()
		cancel()
	}
}
