// A-Cube patch (added file, not upstream): index expressions that SQLite can use to serve queries.
//
// Upstream FerretDB 1.24 indexes a field as `_ferretdb_sjson->"f"` (JSON text), which orders
// numbers as text ("10" < "9") and strings with their quotes ("a b" < "a"), and no query ever
// uses it. This file defines, for top-level fields with plain names:
//
//   - AcubeRank(f):  the BSON type class of f (1 null/missing, 2 number, 3 string, 4 object,
//     5 array, 6 binData, 7 objectId, 8 bool, 9 date, 10 timestamp, 11 regex), read from the
//     document's sjson schema ($s), so MongoDB's type bracketing is a column;
//   - AcubeValue(f): `_ferretdb_sjson->>'$.f'`, the SQL value (TEXT for strings and ObjectId hex,
//     INTEGER/REAL for numbers, INTEGER milliseconds for dates, 0/1 for booleans).
//
// Within one type class of scalars, SQLite's order of AcubeValue is BSON order, so
// (AcubeRank, AcubeValue) sorts exactly like MongoDB as long as no array, object, binData,
// timestamp or regex value is present (the query code checks that through the same index).
//
// Non-unique compound indexes are built on these expressions (plus the _id pair as tie-breaker);
// non-unique single-field indexes become a multikey side table kept by triggers, holding one row
// per array element (so `{tags: "x"}` and keyword arrays are served). Unique indexes keep the
// upstream expression (their files and semantics are unchanged).
package metadata

import (
	"fmt"
	"regexp"
	"strings"
)

var acubePlainField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// AcubePlainField reports whether f is a top-level field whose name needs no quoting in a JSON path.
func AcubePlainField(f string) bool {
	return acubePlainField.MatchString(f)
}

// AcubeRankCase maps an sjson type name expression to the BSON type class.
func AcubeRankCase(typeExpr string) string {
	return "CASE " + typeExpr +
		" WHEN 'double' THEN 2 WHEN 'int' THEN 2 WHEN 'long' THEN 2 WHEN 'string' THEN 3" +
		" WHEN 'object' THEN 4 WHEN 'array' THEN 5 WHEN 'binData' THEN 6 WHEN 'objectId' THEN 7" +
		" WHEN 'bool' THEN 8 WHEN 'date' THEN 9 WHEN 'timestamp' THEN 10 WHEN 'regex' THEN 11 ELSE 1 END"
}

func acubeTypeExpr(src, f string) string {
	return fmt.Sprintf(`%s->>'$."$s".p.%s.t'`, src, f)
}

// AcubeRank is the type-class expression of field f of the row source src (a column reference).
func AcubeRank(src, f string) string {
	return "(" + AcubeRankCase(acubeTypeExpr(src, f)) + ")"
}

// AcubeValue is the SQL value expression of field f.
func AcubeValue(src, f string) string {
	return fmt.Sprintf(`%s->>'$.%s'`, src, f)
}

// AcubeSortableRanks are the type classes whose AcubeValue order is BSON order.
const AcubeSortableRanks = "1, 2, 3, 7, 8, 9"

// AcubeUnsortableRanks are the others.
const AcubeUnsortableRanks = "4, 5, 6, 10, 11"

// AcubeIndexKind tells how an index is built.
type AcubeIndexKind int

const (
	// AcubeUpstream: the upstream expression index (unique indexes, _id, dotted or quoted fields).
	AcubeUpstream AcubeIndexKind = iota
	// AcubeExpr: a compound expression index on (rank, value) pairs.
	AcubeExpr
	// AcubeSide: a multikey side table (single-field, non-unique).
	AcubeSide
)

// AcubeKind decides how index is built; the query code uses the same decision.
func AcubeKind(index IndexInfo) AcubeIndexKind {
	if index.Unique || len(index.Key) == 0 {
		return AcubeUpstream
	}

	for _, k := range index.Key {
		if !AcubePlainField(k.Field) {
			return AcubeUpstream
		}
	}

	if index.Key[0].Field == "_id" {
		return AcubeUpstream
	}

	if len(index.Key) == 1 {
		return AcubeSide
	}

	return AcubeExpr
}

// AcubeExprColumns are the columns of an AcubeExpr index: a (rank, value) pair per key, then the _id
// pair (in the direction of the last key) unless _id is a key already.
func AcubeExprColumns(index IndexInfo) []string {
	var cols []string
	hasID := false
	desc := false

	for _, k := range index.Key {
		d := ""
		if k.Descending {
			d = " DESC"
		}

		if k.Field == "_id" {
			hasID = true
		}

		desc = k.Descending
		cols = append(cols, AcubeRank(DefaultColumn, k.Field)+d, AcubeValue(DefaultColumn, k.Field)+d)
	}

	if !hasID {
		d := ""
		if desc {
			d = " DESC"
		}

		cols = append(cols, AcubeRank(DefaultColumn, "_id")+d, AcubeValue(DefaultColumn, "_id")+d)
	}

	return cols
}

// AcubeSideTable is the name of the side table of a single-field index.
func AcubeSideTable(tableName, indexName string) string {
	return tableName + "_" + indexName + "__mk"
}

// acubeSideSelect selects the side rows (r, v, id) of the document column src for field f:
// one row for a scalar (or missing) value, a marker row (5, NULL) plus one row per element for an array.
func acubeSideSelect(src, from, f string) string {
	t := acubeTypeExpr(src, f)
	elemType := fmt.Sprintf(`%s->>('$."$s".p.%s.i[' || je.key || '].t')`, src, f)

	return fmt.Sprintf(
		`SELECT %s, CASE WHEN %s = 'array' THEN NULL ELSE %s END, %s->'_id' FROM %s`+
			` UNION ALL SELECT %s, je.value, %s->'_id' FROM %s, json_each(%s, '$.%s') AS je WHERE %s = 'array'`,
		AcubeRank(src, f), t, AcubeValue(src, f), src, from,
		"("+AcubeRankCase(elemType)+")", src, from, src, f, t,
	)
}

// AcubeSideCreate returns the statements that create, fill and maintain the side table of a
// single-field index on field f of table.
func AcubeSideCreate(table, indexName, f string) []string {
	side := AcubeSideTable(table, indexName)
	col := DefaultColumn
	newSrc := "new." + col
	oldID := "old." + col + "->'_id'"

	// FROM clauses: for the backfill the table itself; in triggers a one-row dummy source.
	backfill := acubeSideSelect(fmt.Sprintf("%q.%s", table, col), fmt.Sprintf("%q", table), f)
	fromNew := acubeSideSelect(newSrc, "(SELECT 1)", f)

	return []string{
		fmt.Sprintf(`CREATE TABLE %q (r INTEGER NOT NULL, v, id TEXT NOT NULL)`, side),
		fmt.Sprintf(`CREATE INDEX %q ON %q (r, v, id)`, side+"_rv", side),
		fmt.Sprintf(`CREATE INDEX %q ON %q (id)`, side+"_id", side),
		fmt.Sprintf(`INSERT INTO %q (r, v, id) %s`, side, backfill),
		fmt.Sprintf(`CREATE TRIGGER %q AFTER INSERT ON %q BEGIN INSERT INTO %q (r, v, id) %s; END`,
			side+"_ai", table, side, fromNew),
		fmt.Sprintf(`CREATE TRIGGER %q AFTER DELETE ON %q BEGIN DELETE FROM %q WHERE id = %s; END`,
			side+"_ad", table, side, oldID),
		fmt.Sprintf(`CREATE TRIGGER %q AFTER UPDATE ON %q BEGIN DELETE FROM %q WHERE id = %s; INSERT INTO %q (r, v, id) %s; END`,
			side+"_au", table, side, oldID, side, fromNew),
	}
}

// AcubeSideDrop returns the statements that drop a side table and its triggers.
func AcubeSideDrop(table, indexName string) []string {
	side := AcubeSideTable(table, indexName)

	return []string{
		fmt.Sprintf(`DROP TRIGGER IF EXISTS %q`, side+"_ai"),
		fmt.Sprintf(`DROP TRIGGER IF EXISTS %q`, side+"_ad"),
		fmt.Sprintf(`DROP TRIGGER IF EXISTS %q`, side+"_au"),
		fmt.Sprintf(`DROP TABLE IF EXISTS %q`, side),
	}
}

// AcubeIndexCreate returns the statements that build index on table.
func AcubeIndexCreate(table string, index IndexInfo) []string {
	switch AcubeKind(index) {
	case AcubeSide:
		return AcubeSideCreate(table, index.Name, index.Key[0].Field)
	case AcubeExpr:
		return []string{fmt.Sprintf(`CREATE INDEX %q ON %q (%s)`,
			table+"_"+index.Name, table, strings.Join(AcubeExprColumns(index), ", "))}
	default:
		q := "CREATE "
		if index.Unique {
			q += "UNIQUE "
		}

		columns := make([]string, len(index.Key))
		for i, key := range index.Key {
			fields := strings.Split(key.Field, ".")
			for j, f := range fields {
				fields[j] = fmt.Sprintf("%q", f)
			}

			columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))
			if key.Descending {
				columns[i] += " DESC"
			}
		}

		return []string{fmt.Sprintf(q+"INDEX %q ON %q (%s)", table+"_"+index.Name, table, strings.Join(columns, ", "))}
	}
}

// AcubeIndexDrop returns the statements that drop index of table.
func AcubeIndexDrop(table string, index IndexInfo) []string {
	if AcubeKind(index) == AcubeSide {
		return AcubeSideDrop(table, index.Name)
	}

	return []string{fmt.Sprintf(`DROP INDEX IF EXISTS %q`, table+"_"+index.Name)}
}
