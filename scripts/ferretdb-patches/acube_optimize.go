// A-Cube patch (added file, not upstream): keep SQLite's planner statistics current.
//
// With the expression indexes of acube_index.go, SQLite often has two indexes that could serve a
// query (the filter's, the sort's); without statistics it guesses, and for `status IN (a, b)` sorted by
// date it sorted 40,000 rows instead of walking the date index (730 ms vs 2 ms at 100,000 bookings).
// `PRAGMA optimize` (0x10002: every table, ANALYZE where statistics are missing or stale, with SQLite's
// analysis limit) runs shortly after a database file is opened and then every five minutes.
package pool

import (
	"context"
	"database/sql"
	"log/slog"
	"time"
)

func acubeOptimize(db *sql.DB, l *slog.Logger) {
	wait := 15 * time.Second

	for {
		time.Sleep(wait)
		wait = 5 * time.Minute

		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		_, err := db.ExecContext(ctx, "PRAGMA optimize=0x10002")
		cancel()

		if err != nil {
			if err == sql.ErrConnDone || err.Error() == "sql: database is closed" {
				return
			}

			l.Warn("PRAGMA optimize failed", slog.String("error", err.Error()))
		}
	}
}
