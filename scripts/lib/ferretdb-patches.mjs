// The A-Cube patches to FerretDB v1.24.2, applied to the module's source before `go build`
// (scripts/lib/ferretdb.mjs). Each entry either replaces one exact piece of upstream text (it must
// occur exactly once, or the build stops: upstream moved and the patch must be looked at again), or
// adds one of our files from scripts/ferretdb-patches/ (the build stops if upstream has a file there).
// README, "The database", explains each one and how it is verified.
const T = '\t';
const lines = (...l) => l.join('\n');

export const PATCHES = [
  {
    // Lookups by _id used `->'$._id'` while the unique _id index is on `->"_id"`: SQLite uses an
    // expression index only for the same expression, so every _id lookup scanned the table.
    id: 'sqlite-id-index',
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: `IDColumn = DefaultColumn + "->'_id'"`,
  },
  {
    // Index expressions queries can use: (type class, SQL value) per key; single-field indexes as
    // trigger-kept multikey side tables (array elements indexed, as MongoDB does).
    id: 'acube-index-file',
    add: 'acube_index.go',
    to: 'internal/backends/sqlite/metadata/acube_index.go',
  },
  {
    id: 'acube-index-create',
    file: 'internal/backends/sqlite/metadata/registry.go',
    from: lines(
      `${T}${T}q := "CREATE "`,
      ``,
      `${T}${T}if index.Unique {`,
      `${T}${T}${T}q += "UNIQUE "`,
      `${T}${T}}`,
      ``,
      `${T}${T}q += "INDEX %q ON %q (%s)"`,
      ``,
      `${T}${T}columns := make([]string, len(index.Key))`,
      `${T}${T}for i, key := range index.Key {`,
      `${T}${T}${T}fields := strings.Split(key.Field, ".")`,
      `${T}${T}${T}for j, f := range fields {`,
      `${T}${T}${T}${T}fields[j] = fmt.Sprintf("%q", f)`,
      `${T}${T}${T}}`,
      ``,
      `${T}${T}${T}columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))`,
      `${T}${T}${T}if key.Descending {`,
      `${T}${T}${T}${T}columns[i] += " DESC"`,
      `${T}${T}${T}}`,
      `${T}${T}}`,
      ``,
      `${T}${T}q = fmt.Sprintf(`,
      `${T}${T}${T}q,`,
      `${T}${T}${T}c.TableName+"_"+index.Name,`,
      `${T}${T}${T}c.TableName,`,
      `${T}${T}${T}strings.Join(columns, ", "),`,
      `${T}${T})`,
      ``,
      `${T}${T}if _, err := db.ExecContext(ctx, q); err != nil {`,
      `${T}${T}${T}_ = r.indexesDrop(ctx, dbName, collectionName, created)`,
      `${T}${T}${T}return lazyerrors.Error(err)`,
      `${T}${T}}`,
    ),
    to: lines(
      `${T}${T}// A-Cube patch: expression or side-table index, built in one transaction (acube_index.go), then`,
      `${T}${T}// planner statistics for the table, so the new index is chosen where it should be at once`,
      `${T}${T}if err := db.InTransaction(ctx, func(tx *fsql.Tx) error {`,
      `${T}${T}${T}for _, q := range append(AcubeIndexCreate(c.TableName, index), fmt.Sprintf("ANALYZE %q", c.TableName)) {`,
      `${T}${T}${T}${T}if _, err := tx.ExecContext(ctx, q); err != nil {`,
      `${T}${T}${T}${T}${T}return err`,
      `${T}${T}${T}${T}}`,
      `${T}${T}${T}}`,
      `${T}${T}${T}return nil`,
      `${T}${T}}); err != nil {`,
      `${T}${T}${T}_ = r.indexesDrop(ctx, dbName, collectionName, created)`,
      `${T}${T}${T}return lazyerrors.Error(err)`,
      `${T}${T}}`,
      `${T}${T}_ = strings.Join`,
    ),
  },
  {
    id: 'acube-index-drop',
    file: 'internal/backends/sqlite/metadata/registry.go',
    from: lines(
      `${T}${T}q := fmt.Sprintf("DROP INDEX %q", c.TableName+"_"+name)`,
      `${T}${T}if _, err := db.ExecContext(ctx, q); err != nil {`,
      `${T}${T}${T}return lazyerrors.Error(err)`,
      `${T}${T}}`,
    ),
    to: lines(
      `${T}${T}for _, q := range AcubeIndexDrop(c.TableName, c.Settings.Indexes[i]) { // A-Cube patch`,
      `${T}${T}${T}if _, err := db.ExecContext(ctx, q); err != nil {`,
      `${T}${T}${T}${T}return lazyerrors.Error(err)`,
      `${T}${T}${T}}`,
      `${T}${T}}`,
    ),
  },
  {
    id: 'acube-collection-drop',
    file: 'internal/backends/sqlite/metadata/registry.go',
    from: `${T}q = fmt.Sprintf("DROP TABLE %q", c.TableName)\n`,
    to: lines(
      `${T}for _, index := range c.Settings.Indexes { // A-Cube patch: side tables go with the collection`,
      `${T}${T}if AcubeKind(index) == AcubeSide {`,
      `${T}${T}${T}for _, dq := range AcubeSideDrop(c.TableName, index.Name) {`,
      `${T}${T}${T}${T}if _, err := db.ExecContext(ctx, dq); err != nil {`,
      `${T}${T}${T}${T}${T}return false, lazyerrors.Error(err)`,
      `${T}${T}${T}${T}}`,
      `${T}${T}${T}}`,
      `${T}${T}}`,
      `${T}}`,
      ``,
      `${T}q = fmt.Sprintf("DROP TABLE %q", c.TableName)`,
      ``,
    ),
  },
  {
    // Filter pushdown (superset) and exact sort pushdown in the SQLite backend.
    id: 'acube-pushdown-file',
    add: 'acube_pushdown.go',
    to: 'internal/backends/sqlite/acube_pushdown.go',
  },
  {
    id: 'acube-query-params',
    file: 'internal/backends/collection.go',
    from: lines(
      `${T}OnlyRecordIDs bool`,
      `${T}Comment       string`,
      `}`,
      ``,
      `// QueryResult represents the results of Collection.Query method.`,
      `type QueryResult struct {`,
      `${T}Iter types.DocumentsIterator`,
      `}`,
    ),
    to: lines(
      `${T}OnlyRecordIDs bool`,
      `${T}Comment       string`,
      ``,
      `${T}// A-Cube patch: sort by this top-level field, then _id, in the same direction, if the backend can do it exactly.`,
      `${T}AcubeSortField string`,
      `${T}AcubeSortDesc  bool`,
      ``,
      `${T}// A-Cube patch: only the number of matches is wanted; the backend may count them itself (AcubeCounted).`,
      `${T}AcubeCount bool`,
      `}`,
      ``,
      `// QueryResult represents the results of Collection.Query method.`,
      `type QueryResult struct {`,
      `${T}Iter types.DocumentsIterator`,
      ``,
      `${T}// A-Cube patch: Iter is in the order AcubeSortField asked for.`,
      `${T}AcubeSorted bool`,
      ``,
      `${T}// A-Cube patch: Iter holds exactly the matches of Filter (the handler need not filter again).`,
      `${T}AcubeExact bool`,
      ``,
      `${T}// A-Cube patch: AcubeCount is the exact number of matches (Iter is empty).`,
      `${T}AcubeCounted bool`,
      `${T}AcubeCount   int64`,
      `}`,
    ),
  },
  {
    id: 'acube-query-where',
    file: 'internal/backends/sqlite/collection.go',
    from: lines(
      `${T}if params.Filter.Len() == 1 {`,
      `${T}${T}v, _ := params.Filter.Get("_id")`,
      `${T}${T}switch v.(type) {`,
      `${T}${T}case string, types.ObjectID:`,
      `${T}${T}${T}whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)`,
      `${T}${T}${T}args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}`,
      `${T}${T}}`,
      `${T}}`,
      ``,
      `${T}q += whereClause`,
      `${T}q += prepareOrderByClause(params.Sort)`,
    ),
    to: lines(
      `${T}// A-Cube patch: filter and sort pushdown (acube_pushdown.go); the sort check first (it learns that`,
      `${T}// the field holds no arrays), then WHERE, then ORDER BY (it leaves out a type class WHERE fixed)`,
      `${T}acubeP := newAcubePlanner(ctx, db, meta)`,
      `${T}orderBy := prepareOrderByClause(params.Sort)`,
      `${T}acubeSorted := false`,
      `${T}acubeCanSort := orderBy == "" && params.AcubeSortField != "" && acubeP.canSort(params.AcubeSortField)`,
      ``,
      `${T}if w := acubeP.where(params.Filter); w != "" {`,
      `${T}${T}whereClause = " WHERE " + w`,
      `${T}${T}args = append(args, acubeP.args...)`,
      `${T}}`,
      ``,
      `${T}if acubeCanSort {`,
      `${T}${T}orderBy, acubeSorted = acubeP.orderBy(params.AcubeSortField, params.AcubeSortDesc), true`,
      `${T}}`,
      ``,
      `${T}if params.AcubeCount && !meta.Capped() {`,
      `${T}${T}if n, ok := acubeP.count(whereClause, args); ok {`,
      `${T}${T}${T}return &backends.QueryResult{Iter: newQueryIterator(ctx, nil, false), AcubeCounted: true, AcubeCount: n}, nil`,
      `${T}${T}}`,
      `${T}}`,
      ``,
      `${T}q += whereClause`,
      `${T}q += orderBy`,
    ),
  },
  {
    id: 'acube-query-result',
    file: 'internal/backends/sqlite/collection.go',
    from: `${T}${T}Iter: newQueryIterator(ctx, rows, params.OnlyRecordIDs),\n${T}}, nil`,
    to: `${T}${T}Iter:        newQueryIterator(ctx, rows, params.OnlyRecordIDs),\n${T}${T}AcubeSorted: acubeSorted,\n${T}${T}AcubeExact:  acubeP.exact(),\n${T}}, nil`,
  },
  {
    // explain shows the pushed-down WHERE and the SQLite plan (tests read it to prove index use).
    id: 'acube-explain-where',
    file: 'internal/backends/sqlite/collection.go',
    from: lines(
      `${T}if params.Filter.Len() == 1 {`,
      `${T}${T}v, _ := params.Filter.Get("_id")`,
      `${T}${T}switch v.(type) {`,
      `${T}${T}case string, types.ObjectID:`,
      `${T}${T}${T}filterPushdown = true`,
      `${T}${T}${T}whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)`,
      `${T}${T}${T}args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}`,
      `${T}${T}}`,
      `${T}}`,
      ``,
      `${T}orderByClause := prepareOrderByClause(params.Sort)`,
      `${T}sortPushdown := orderByClause != ""`,
    ),
    to: lines(
      `${T}acubeP := newAcubePlanner(ctx, db, meta) // A-Cube patch, as in Query`,
      `${T}orderByClause := prepareOrderByClause(params.Sort)`,
      ``,
      `${T}acubeCanSort := orderByClause == "" && params.AcubeSortField != "" && acubeP.canSort(params.AcubeSortField)`,
      ``,
      `${T}if w := acubeP.where(params.Filter); w != "" {`,
      `${T}${T}filterPushdown = true`,
      `${T}${T}whereClause = " WHERE " + w`,
      `${T}${T}args = append(args, acubeP.args...)`,
      `${T}}`,
      ``,
      `${T}if acubeCanSort {`,
      `${T}${T}orderByClause = acubeP.orderBy(params.AcubeSortField, params.AcubeSortDesc)`,
      `${T}}`,
      ``,
      `${T}sortPushdown := orderByClause != ""`,
      `${T}_ = sjson.MarshalSingleValue`,
    ),
  },
  {
    id: 'acube-explain-params',
    file: 'internal/backends/collection.go',
    from: lines(`type ExplainParams struct {`, `${T}Filter *types.Document`, `${T}Sort   *types.Document`, `${T}Limit  int64`, `}`),
    to: lines(
      `type ExplainParams struct {`,
      `${T}Filter *types.Document`,
      `${T}Sort   *types.Document`,
      `${T}Limit  int64`,
      ``,
      `${T}AcubeSortField string // A-Cube patch`,
      `${T}AcubeSortDesc  bool`,
      `}`,
    ),
  },
  {
    id: 'acube-explain-handler',
    file: 'internal/handler/msg_explain.go',
    from: lines(`${T}res, err := coll.Explain(connCtx, qp)`),
    to: lines(
      `${T}if !h.DisablePushdown && qp.Sort == nil { // A-Cube patch`,
      `${T}${T}qp.AcubeSortField, qp.AcubeSortDesc = common.AcubeSortSpec(params.Sort)`,
      `${T}}`,
      ``,
      `${T}res, err := coll.Explain(connCtx, qp)`,
    ),
  },
  {
    id: 'acube-presorted-file',
    add: 'acube_presorted.go',
    to: 'internal/handler/common/acube_presorted.go',
  },
  {
    // find: ask for the sort; skip the in-memory sort when the backend did it.
    id: 'acube-find-sort',
    file: 'internal/handler/msg_find.go',
    from: lines(
      `${T}if !h.DisablePushdown && params.Filter.Len() == 0 && params.Sort.Len() == 0 && params.Skip == 0 {`,
      `${T}${T}qp.Limit = params.Limit`,
      `${T}}`,
    ),
    to: lines(
      `${T}if !h.DisablePushdown && params.Filter.Len() == 0 && params.Sort.Len() == 0 && params.Skip == 0 {`,
      `${T}${T}qp.Limit = params.Limit`,
      `${T}}`,
      ``,
      `${T}if !h.DisablePushdown && qp.Sort == nil { // A-Cube patch`,
      `${T}${T}qp.AcubeSortField, qp.AcubeSortDesc = common.AcubeSortSpec(params.Sort)`,
      `${T}}`,
    ),
  },
  {
    id: 'acube-find-iter',
    file: 'internal/handler/msg_find.go',
    from: `${T}iter, err := h.makeFindIter(queryRes.Iter, closer, params)\n`,
    to: lines(
      `${T}// A-Cube patch: rows already sorted by the backend are not sorted again; rows that are exactly the`,
      `${T}// matches (no top-level key was held back from the backend) are not filtered again`,
      `${T}findIn, findParams := queryRes.Iter, params`,
      `${T}acubeExact := queryRes.AcubeExact && qp.Filter.Len() == params.Filter.Len() && !common.AcubeProjectionUsesFilter(params.Projection)`,
      `${T}if queryRes.AcubeSorted || acubeExact {`,
      `${T}${T}cp := *params`,
      `${T}${T}if queryRes.AcubeSorted {`,
      `${T}${T}${T}cp.Sort = nil`,
      `${T}${T}${T}findIn = common.AcubePresorted(queryRes.Iter, params.Sort, qp.AcubeSortField)`,
      `${T}${T}}`,
      `${T}${T}if acubeExact {`,
      `${T}${T}${T}cp.Filter = must.NotFail(types.NewDocument())`,
      `${T}${T}}`,
      `${T}${T}findParams = &cp`,
      `${T}}`,
      ``,
      `${T}iter, err := h.makeFindIter(findIn, closer, findParams)`,
      ``,
    ),
  },
  {
    // Upstream bug: with --test-disable-pushdown the nested-field stripping re-set the filter from the
    // request, so "pushdown off" still pushed filters down. The differential test needs an honest
    // reference engine; with pushdown on (production) nothing changes.
    id: 'honest-disable-pushdown-find',
    file: 'internal/handler/msg_find.go',
    from: `${T}if !h.EnableNestedPushdown && params.Filter != nil {\n${T}${T}qp.Filter = params.Filter.DeepCopy()`,
    to: `${T}if !h.EnableNestedPushdown && qp.Filter != nil {\n${T}${T}qp.Filter = qp.Filter.DeepCopy()`,
  },
  {
    id: 'honest-disable-pushdown-aggregate',
    file: 'internal/handler/msg_aggregate.go',
    from: `${T}${T}if !h.EnableNestedPushdown && filter != nil {\n${T}${T}${T}qp.Filter = filter.DeepCopy()`,
    to: `${T}${T}if !h.EnableNestedPushdown && qp.Filter != nil {\n${T}${T}${T}qp.Filter = qp.Filter.DeepCopy()`,
  },
  {
    id: 'honest-disable-pushdown-explain',
    file: 'internal/handler/msg_explain.go',
    from: `${T}if !h.EnableNestedPushdown && params.Filter != nil {\n${T}${T}qp.Filter = params.Filter.DeepCopy()`,
    to: `${T}if !h.EnableNestedPushdown && qp.Filter != nil {\n${T}${T}qp.Filter = qp.Filter.DeepCopy()`,
  },
  {
    // count command: SELECT count(*) when the pushed-down filter is exact (no document decoded).
    id: 'acube-count-ask',
    file: 'internal/handler/msg_count.go',
    from: `${T}var qp backends.QueryParams\n${T}if !h.DisablePushdown {\n${T}${T}qp.Filter = params.Filter\n${T}}`,
    to: `${T}var qp backends.QueryParams\n${T}if !h.DisablePushdown {\n${T}${T}qp.Filter = params.Filter\n${T}${T}qp.AcubeCount = true // A-Cube patch\n${T}}`,
  },
  {
    id: 'acube-count-answer',
    file: 'internal/handler/msg_count.go',
    from: `${T}queryRes, err := c.Query(connCtx, &qp)\n${T}if err != nil {\n${T}${T}return nil, lazyerrors.Error(err)\n${T}}\n`,
    to: lines(
      `${T}ctx, stopTimer := acubeMaxTime(connCtx, params.MaxTimeMS) // A-Cube patch: maxTimeMS honoured`,
      `${T}defer stopTimer()`,
      ``,
      `${T}queryRes, err := c.Query(ctx, &qp)`,
      `${T}if err != nil {`,
      `${T}${T}return nil, handleMaxTimeMSError(err, params.MaxTimeMS, "count")`,
      `${T}}`,
      ``,
      `${T}if queryRes.AcubeCounted { // A-Cube patch: counted by the backend`,
      `${T}${T}queryRes.Iter.Close()`,
      ``,
      `${T}${T}n := max(queryRes.AcubeCount-params.Skip, 0)`,
      `${T}${T}if params.Limit > 0 {`,
      `${T}${T}${T}n = min(n, params.Limit)`,
      `${T}${T}}`,
      ``,
      `${T}${T}return documentOpMsg(must.NotFail(types.NewDocument("n", int32(n), "ok", float64(1))))`,
      `${T}}`,
      ``,
    ),
  },
  {
    // count honours maxTimeMS like find and aggregate (upstream: parsed and ignored): a user-shaped count
    // over a large collection stops with MaxTimeMSExpired instead of running for minutes.
    id: 'acube-count-maxtime-file',
    add: 'acube_maxtime.go',
    to: 'internal/handler/acube_maxtime.go',
  },
  {
    id: 'acube-count-maxtime-param',
    file: 'internal/handler/common/count.go',
    from: `${T}MaxTimeMS      int64           \`ferretdb:"maxTimeMS,ignored"\``,
    to: `${T}MaxTimeMS      int64           \`ferretdb:"maxTimeMS,opt,wholePositiveNumber"\``,
  },
  {
    id: 'acube-count-maxtime-iter',
    file: 'internal/handler/msg_count.go',
    from: lines(`${T}if err != nil {`, `${T}${T}return nil, lazyerrors.Error(err)`, `${T}}`, ``, `${T}count, _ := res.Get("count")`),
    to: lines(
      `${T}if err != nil {`,
      `${T}${T}return nil, handleMaxTimeMSError(err, params.MaxTimeMS, "count")`,
      `${T}}`,
      ``,
      `${T}count, _ := res.Get("count")`,
    ),
  },
  {
    // update and findAndModify are read-modify-write in Go: without a lock two concurrent conditional updates
    // of one document could both succeed (found by the live-event counter and the content version check).
    id: 'acube-nslock-file',
    add: 'acube_nslock.go',
    to: 'internal/handler/acube_nslock.go',
  },
  {
    id: 'acube-nslock-update',
    file: 'internal/handler/msg_update.go',
    from: `${T}var matched, modified int32\n${T}var upserted types.Array\n`,
    to: `${T}defer acubeLockNamespace(params.DB, params.Collection)() // A-Cube patch: atomic read-modify-write\n\n${T}var matched, modified int32\n${T}var upserted types.Array\n`,
  },
  {
    id: 'acube-nslock-findandmodify',
    file: 'internal/handler/msg_findandmodify.go',
    from: `func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {\n`,
    to: `func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {\n${T}defer acubeLockNamespace(params.DB, params.Collection)() // A-Cube patch: atomic read-modify-write\n\n`,
  },
  {
    // resource.Track records every tracked object (each document iterator, each query iterator) in a pprof
    // profile with its call stack and a finalizer: a leak detector for FerretDB's own tests that cost ~15 %
    // of reading documents (profile of a plain find). Kept in debug builds (`debugbuild.Enabled`), off in ours.
    id: 'resource-tracking-debug-only',
    file: 'internal/util/resource/resource.go',
    from: `func Track(obj any, token *Token) {\n${T}checkArgs(obj, token)\n`,
    to: `func Track(obj any, token *Token) {\n${T}checkArgs(obj, token)\n\n${T}if !debugbuild.Enabled { // A-Cube patch\n${T}${T}return\n${T}}\n`,
  },
  {
    id: 'resource-untracking-debug-only',
    file: 'internal/util/resource/resource.go',
    from: `func Untrack(obj any, token *Token) {\n${T}checkArgs(obj, token)\n`,
    to: `func Untrack(obj any, token *Token) {\n${T}checkArgs(obj, token)\n\n${T}if !debugbuild.Enabled { // A-Cube patch\n${T}${T}return\n${T}}\n`,
  },
  {
    // Faster document decoding (a plain find spent half its CPU in encoding/json): schemas parsed once per
    // distinct text, common scalars decoded directly (acube_sjson_fast.go).
    id: 'acube-sjson-fast-file',
    add: 'acube_sjson_fast.go',
    to: 'internal/handler/sjson/acube_sjson_fast.go',
  },
  {
    // Faster encoding when storing: printable-ASCII strings and keys written directly, exactly as
    // encoding/json writes them (acube_sjson_marshal.go); inserts and acubeIdentical encode every document.
    id: 'acube-sjson-marshal-file',
    add: 'acube_sjson_marshal.go',
    to: 'internal/handler/sjson/acube_sjson_marshal.go',
  },
  {
    id: 'acube-sjson-marshal-key',
    file: 'internal/handler/sjson/schema.go',
    from: `${T}${T}if b, err = json.Marshal(key); err != nil {`,
    to: `${T}${T}if b, err = acubeMarshalString(key); err != nil { // A-Cube patch`,
  },
  {
    id: 'acube-sjson-marshal-keys',
    file: 'internal/handler/sjson/schema.go',
    from: `${T}b, err := json.Marshal(keys)`,
    to: `${T}b, err := acubeMarshalStrings(keys) // A-Cube patch`,
  },
  {
    id: 'acube-sjson-marshal-string',
    file: 'internal/handler/sjson/string.go',
    from: `${T}res, err := json.Marshal(string(*str))`,
    to: `${T}res, err := acubeMarshalString(string(*str)) // A-Cube patch`,
  },
  {
    id: 'acube-sjson-schema-cache',
    file: 'internal/handler/sjson/sjson.go',
    from: lines(
      `${T}var sch schema`,
      `${T}r = bytes.NewReader(jsch)`,
      `${T}dec = json.NewDecoder(r)`,
      `${T}dec.DisallowUnknownFields()`,
      ``,
      `${T}if err := dec.Decode(&sch); err != nil {`,
      `${T}${T}return nil, lazyerrors.Error(err)`,
      `${T}}`,
      ``,
      `${T}if err := checkConsumed(dec, r); err != nil {`,
      `${T}${T}return nil, lazyerrors.Error(err)`,
      `${T}}`,
    ),
    to: lines(
      `${T}sch, err := acubeSchema(jsch) // A-Cube patch: parsed once per distinct schema`,
      `${T}if err != nil {`,
      `${T}${T}return nil, lazyerrors.Error(err)`,
      `${T}}`,
    ),
  },
  {
    id: 'acube-sjson-fast-scalars',
    file: 'internal/handler/sjson/sjson.go',
    from: lines(`${T}var res sjsontype`, `${T}var err error`, ``, `${T}switch sch.Type {`),
    to: lines(
      `${T}if v, ok := acubeFastScalar(data, sch.Type); ok { // A-Cube patch`,
      `${T}${T}return v, nil`,
      `${T}}`,
      ``,
      `${T}var res sjsontype`,
      `${T}var err error`,
      ``,
      `${T}switch sch.Type {`,
    ),
  },
  {
    // A find without a projection deep-copied every document to "project" it onto itself (13 % of a plain
    // find). Only the find's projection iterator calls this function; a document whose first field is
    // _id is returned as it is (the copy would be identical).
    id: 'acube-empty-projection',
    file: 'internal/handler/common/projection.go',
    from: `func ProjectDocument(doc, projection, filter *types.Document, inclusion bool) (*types.Document, error) {\n`,
    to: `func ProjectDocument(doc, projection, filter *types.Document, inclusion bool) (*types.Document, error) {\n${T}if projection.Len() == 0 { // A-Cube patch\n${T}${T}if keys := doc.Keys(); len(keys) > 0 && keys[0] == "_id" {\n${T}${T}${T}return doc, nil\n${T}${T}}\n${T}}\n\n`,
  },
  {
    // Export throughput (issue 12, round 4): an inclusion projection of top-level fields (every search
    // page and export asks for one) deep-copied the whole document and rebuilt the projected one field
    // by field (~24 % of FerretDB's CPU exporting activity events). One pass instead; every other
    // projection goes through upstream's code (acube_projection.go).
    id: 'acube-projection-fast-file',
    add: 'acube_projection.go',
    to: 'internal/handler/common/acube_projection.go',
  },
  {
    id: 'acube-projection-fast',
    file: 'internal/handler/common/projection.go',
    from: `${T}projected, err := types.NewDocument("_id", must.NotFail(doc.Get("_id")))\n`,
    to: `${T}if p, ok := acubeProjectTopLevel(doc, projection, inclusion); ok { // A-Cube patch\n${T}${T}return p, nil\n${T}}\n\n${T}projected, err := types.NewDocument("_id", must.NotFail(doc.Get("_id")))\n`,
  },
  {
    // Planner statistics for the expression indexes (acube_optimize.go).
    id: 'acube-optimize-file',
    add: 'acube_optimize.go',
    to: 'internal/backends/sqlite/metadata/pool/acube_optimize.go',
  },
  {
    // ANALYZE (after createIndexes, and in `PRAGMA optimize` every 5 minutes) read every row of every
    // index: seconds on a 1M-document collection, holding the write lock, so a writer waiting past the
    // 10 s busy timeout failed with "database is locked" (seen seeding the 25x benchmark data). With an
    // analysis limit each index is sampled (~1,000 rows): 1.7 s -> 7 ms for activity_events at 1M.
    id: 'acube-analysis-limit',
    file: 'internal/backends/sqlite/metadata/pool/uri.go',
    from: `${T}if !autoVacuum {`,
    to: lines(`${T}values.Add("_pragma", "analysis_limit(1000)") // A-Cube patch: bounded ANALYZE (ferretdb-patches.mjs)`, ``, `${T}if !autoVacuum {`),
  },
  {
    // Ingestion (issue 12, round 3): encode an insert's documents before its transaction, so SQLite's
    // write lock (one writer per database) is not held while documents are encoded to JSON.
    id: 'acube-insert-encode-first-file',
    add: 'acube_insert.go',
    to: 'internal/backends/sqlite/acube_insert.go',
  },
  {
    id: 'acube-insert-encode-first',
    file: 'internal/backends/sqlite/collection.go',
    from: lines(
      `${T}err := db.InTransaction(ctx, func(tx *fsql.Tx) error {`,
      `${T}${T}batchSize := c.r.BatchSize`,
      `${T}${T}if batchSize < 1 {`,
      `${T}${T}${T}panic("batch-size should be greater or equal to 1")`,
      `${T}${T}}`,
      ``,
      `${T}${T}var batch []*types.Document`,
      `${T}${T}docs := params.Docs`,
      ``,
      `${T}${T}for len(docs) > 0 {`,
      `${T}${T}${T}i := min(batchSize, len(docs))`,
      `${T}${T}${T}batch, docs = docs[:i], docs[i:]`,
      ``,
      `${T}${T}${T}q, args, err := prepareInsertStatement(meta.TableName, meta.Capped(), batch)`,
      `${T}${T}${T}if err != nil {`,
      `${T}${T}${T}${T}return lazyerrors.Error(err)`,
      `${T}${T}${T}}`,
      ``,
      `${T}${T}${T}if _, err = tx.ExecContext(ctx, q, args...); err != nil {`,
    ),
    to: lines(
      `${T}// A-Cube patch (acube-insert-encode-first): encoded before the transaction, outside the write lock`,
      `${T}stmts, err := acubeInsertStatements(meta.TableName, meta.Capped(), params.Docs, c.r.BatchSize)`,
      `${T}if err != nil {`,
      `${T}${T}return nil, lazyerrors.Error(err)`,
      `${T}}`,
      ``,
      `${T}err = db.InTransaction(ctx, func(tx *fsql.Tx) error {`,
      `${T}${T}for _, s := range stmts {`,
      `${T}${T}${T}if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {`,
    ),
  },
  {
    // Ingestion (issue 12, round 3): a profile of POST /api/events at 8 clients showed FerretDB's time in
    // SQLite's I/O, not in SQL: the statement journal of every multi-row INSERT written to a temporary
    // file (~9 % of FerretDB's CPU), an fsync of the WAL at every commit (~5 %; two commits per batch
    // of events), and page reads through pread (~6 %). temp_store(memory) keeps statement journals in
    // memory; synchronous(normal) is SQLite's recommended setting for WAL: a commit is not fsynced (the
    // WAL is at checkpoints), so after a power loss or OS crash (not a process crash) the last
    // transactions may be lost, the database is never corrupt; MongoDB's default write concern (w: 1,
    // no j) acknowledges writes before its journal is flushed too. mmap_size reads pages through a
    // memory map instead of a pread each. Each only when the URL does not set it
    // (FERRETDB_SQLITE_PARAMS, e.g. `_pragma=synchronous(full)` where every commit must be on disk).
    id: 'acube-io-pragmas',
    file: 'internal/backends/sqlite/metadata/pool/uri.go',
    from: `${T}if !autoVacuum {`,
    to: lines(
      `${T}// A-Cube patch: cheaper I/O per write (ferretdb-patches.mjs, acube-io-pragmas), unless the URL sets them`,
      `${T}for _, p := range []string{"synchronous(normal)", "temp_store(memory)", "mmap_size(268435456)"} {`,
      `${T}${T}name, set := p[:strings.IndexByte(p, '(')], false`,
      `${T}${T}for _, v := range values["_pragma"] {`,
      `${T}${T}${T}set = set || strings.HasPrefix(v, name)`,
      `${T}${T}}`,
      `${T}${T}if !set {`,
      `${T}${T}${T}values.Add("_pragma", p)`,
      `${T}${T}}`,
      `${T}}`,
      ``,
      `${T}if !autoVacuum {`,
    ),
  },
  {
    // An ordered insert stops at its first failed document (MongoDB). Upstream, when a batch fails, retries
    // its documents one by one and stops at the first failure, but only the retry loop: the next batch
    // (up to BatchSize documents past the error) was still inserted and counted. Found by
    // server/db/insert-batch.int.test.ts when the batch size went from 100 to 500 (issue 12, round 5):
    // the two sizes disagreed on ordered inserts larger than one batch.
    id: 'acube-insert-ordered-stop',
    file: 'internal/handler/msg_insert.go',
    from: lines(
      `${T}${T}${T}${T}Message: fmt.Sprintf(\`E11000 duplicate key error collection: %s.%s\`, params.DB, params.Collection),`,
      `${T}${T}${T}})`,
      ``,
      `${T}${T}${T}if params.Ordered {`,
      `${T}${T}${T}${T}break`,
      `${T}${T}${T}}`,
    ),
    to: lines(
      `${T}${T}${T}${T}Message: fmt.Sprintf(\`E11000 duplicate key error collection: %s.%s\`, params.DB, params.Collection),`,
      `${T}${T}${T}})`,
      ``,
      `${T}${T}${T}if params.Ordered {`,
      `${T}${T}${T}${T}done = true // A-Cube patch (acube-insert-ordered-stop): no later batch either`,
      ``,
      `${T}${T}${T}${T}break`,
      `${T}${T}${T}}`,
    ),
  },
  {
    id: 'acube-optimize-start',
    file: 'internal/backends/sqlite/metadata/pool/opendb.go',
    from: `${T}return fsql.WrapDB(db, name, l), nil\n}`,
    to: `${T}go acubeOptimize(db, l) // A-Cube patch: planner statistics\n\n${T}return fsql.WrapDB(db, name, l), nil\n}`,
  },
  {
    // Outbox throughput (issue 15, round 5): an update command wrote each modified document in its own
    // SQLite transaction (pprof of a campaign: 76 % of FerretDB's CPU in the update path marking messages
    // sent, 50 documents per updateMany); the documents are now written in batches of up to 100, one
    // transaction each, in the same order, with upstream's one-by-one writes as the fallback when a batch
    // fails (acube_update.go).
    id: 'acube-update-batch-file',
    add: 'acube_update.go',
    to: 'internal/handler/common/acube_update.go',
  },
  {
    id: 'acube-update-batch-signature',
    file: 'internal/handler/common/update.go',
    from: `func UpdateDocument(ctx context.Context, c backends.Collection, cmd string, iter types.DocumentsIterator, param *Update) (*UpdateResult, error) { //nolint:lll // for readability\n`,
    to: `func acubeUpdateDocument(ctx context.Context, c backends.Collection, cmd string, iter types.DocumentsIterator, param *Update, acubeBatch *acubeUpdateBatch) (*UpdateResult, error) { //nolint:lll // A-Cube patch: UpdateDocument is in acube_update.go\n`,
  },
  {
    id: 'acube-update-batch-write',
    file: 'internal/handler/common/update.go',
    from: lines(`${T}${T}} else if modified {`, `${T}${T}${T}_, err := c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{doc}})`),
    to: lines(
      `${T}${T}} else if modified && acubeBatch.on { // A-Cube patch: written in batches (acube_update.go)`,
      `${T}${T}${T}if err = acubeBatch.add(ctx, doc); err != nil {`,
      `${T}${T}${T}${T}return nil, err`,
      `${T}${T}${T}}`,
      ``,
      `${T}${T}${T}result.Modified.Count++`,
      `${T}${T}} else if modified {`,
      `${T}${T}${T}_, err := c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{doc}})`,
    ),
  },
  {
    // Outbox throughput (issue 15, round 5): one UPDATE statement per batch when the update touches no
    // unique index's field (round 5 profile: ~30 % of FerretDB's CPU marking messages sent was SQLite
    // compiling each per-document UPDATE; the driver prepares again at every Exec). acube_update_sqlite.go
    id: 'acube-update-one-statement-file',
    add: 'acube_update_sqlite.go',
    to: 'internal/backends/sqlite/acube_update.go',
  },
  {
    id: 'acube-update-one-statement-param',
    file: 'internal/backends/collection.go',
    from: lines(`type UpdateAllParams struct {`, `${T}Docs []*types.Document`, `}`),
    to: lines(
      `type UpdateAllParams struct {`,
      `${T}Docs []*types.Document`,
      ``,
      `${T}// A-Cube patch: the order in which Docs are written cannot matter; the backend may write them with one statement.`,
      `${T}AcubeOneStatement bool`,
      `}`,
    ),
  },
  {
    id: 'acube-update-one-statement',
    file: 'internal/backends/sqlite/collection.go',
    from: lines(
      `${T}q := fmt.Sprintf(\`UPDATE %q SET %s = ? WHERE %s = ?\`, meta.TableName, metadata.DefaultColumn, metadata.IDColumn)`,
      ``,
      `${T}err := db.InTransaction(ctx, func(tx *fsql.Tx) error {`,
    ),
    to: lines(
      `${T}if params.AcubeOneStatement && len(params.Docs) > 1 { // A-Cube patch (acube_update.go)`,
      `${T}${T}if n, ok, err := acubeUpdateOneStatement(ctx, db, meta.TableName, params.Docs); ok {`,
      `${T}${T}${T}if err != nil {`,
      `${T}${T}${T}${T}return nil, lazyerrors.Error(err)`,
      `${T}${T}${T}}`,
      ``,
      `${T}${T}${T}res.Updated = n`,
      ``,
      `${T}${T}${T}return &res, nil`,
      `${T}${T}}`,
      `${T}}`,
      ``,
      `${T}q := fmt.Sprintf(\`UPDATE %q SET %s = ? WHERE %s = ?\`, meta.TableName, metadata.DefaultColumn, metadata.IDColumn)`,
      ``,
      `${T}err := db.InTransaction(ctx, func(tx *fsql.Tx) error {`,
    ),
  },
  {
    // Restore preview: which backup documents are stored exactly as given, by comparing the stored
    // text with the document encoded as an insert would store it (no decoding of stored documents).
    id: 'acube-identical-sqlite',
    add: 'acube_identical_sqlite.go',
    to: 'internal/backends/sqlite/acube_identical.go',
  },
  {
    id: 'acube-identical-unwrap',
    add: 'acube_identical_unwrap.go',
    to: 'internal/backends/acube_unwrap.go',
  },
  {
    id: 'acube-identical-oplog',
    add: 'acube_identical_oplog.go',
    to: 'internal/backends/decorators/oplog/acube_inner.go',
  },
  {
    id: 'acube-identical-handler',
    add: 'acube_identical_handler.go',
    to: 'internal/handler/msg_acubeidentical.go',
  },
  {
    id: 'acube-identical-command',
    file: 'internal/handler/commands.go',
    from: lines(`${T}${T}"count": {`, `${T}${T}${T}Handler: h.MsgCount,`),
    to: lines(
      `${T}${T}"acubeIdentical": { // A-Cube patch: restore preview (msg_acubeidentical.go)`,
      `${T}${T}${T}Handler: h.MsgAcubeIdentical,`,
      `${T}${T}${T}Help:    "Tells which of the given documents the collection stores exactly.",`,
      `${T}${T}},`,
      `${T}${T}"count": {`,
      `${T}${T}${T}Handler: h.MsgCount,`,
    ),
  },
];
