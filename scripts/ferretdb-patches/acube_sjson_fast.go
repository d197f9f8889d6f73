// A-Cube patch (added file, not upstream): faster decoding of stored documents.
//
// Reading a document decoded its schema ($s) with a new json.Decoder per document and every scalar
// with a new json.Decoder per value (a profile of a plain find: half the CPU in encoding/json). Here:
//   - schemas are parsed once per distinct $s text and shared (documents of a collection mostly have
//     a handful of shapes); a parsed schema is never modified;
//   - strings without escapes, numbers, booleans, dates and ObjectIds are decoded with strconv/hex
//     directly, to exactly the values the upstream code produces; anything else (escaped strings,
//     documents, arrays, binData, regex, timestamps) takes the upstream path.
package sjson

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
)

const acubeSchemaCacheMax = 4096

var (
	acubeSchemasM sync.RWMutex
	acubeSchemas  = make(map[string]*schema)
)

// acubeSchema returns the parsed schema of the $s text (cached; the result must not be modified).
func acubeSchema(jsch []byte) (*schema, error) {
	acubeSchemasM.RLock()
	s, ok := acubeSchemas[string(jsch)]
	acubeSchemasM.RUnlock()

	if ok {
		return s, nil
	}

	s = new(schema)
	r := bytes.NewReader(jsch)
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()

	if err := dec.Decode(s); err != nil {
		return nil, lazyerrors.Error(err)
	}

	if err := checkConsumed(dec, r); err != nil {
		return nil, lazyerrors.Error(err)
	}

	acubeSchemasM.Lock()
	if len(acubeSchemas) >= acubeSchemaCacheMax {
		acubeSchemas = make(map[string]*schema)
	}
	acubeSchemas[string(jsch)] = s
	acubeSchemasM.Unlock()

	return s, nil
}

// acubePlainString returns the content of a JSON string literal that needs no unescaping.
func acubePlainString(data []byte) (string, bool) {
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		return "", false
	}

	in := data[1 : len(data)-1]
	for _, c := range in {
		if c == '\\' || c == '"' || c < 0x20 {
			return "", false
		}
	}

	if !utf8.Valid(in) {
		return "", false // encoding/json would replace invalid bytes
	}

	return string(in), true
}

func acubeNumberStart(data []byte) bool {
	return len(data) > 0 && (data[0] == '-' || (data[0] >= '0' && data[0] <= '9'))
}

// acubeFastScalar decodes common scalars directly; ok is false when the upstream path must decode data.
func acubeFastScalar(data []byte, t elemType) (any, bool) {
	switch t {
	case elemTypeString:
		if s, ok := acubePlainString(data); ok {
			return s, true
		}
	case elemTypeDouble:
		if acubeNumberStart(data) {
			if f, err := strconv.ParseFloat(string(data), 64); err == nil {
				return f, true
			}
		}
	case elemTypeInt:
		if acubeNumberStart(data) {
			if i, err := strconv.ParseInt(string(data), 10, 32); err == nil {
				return int32(i), true
			}
		}
	case elemTypeLong:
		if acubeNumberStart(data) {
			if i, err := strconv.ParseInt(string(data), 10, 64); err == nil {
				return i, true
			}
		}
	case elemTypeDate:
		if acubeNumberStart(data) {
			if i, err := strconv.ParseInt(string(data), 10, 64); err == nil {
				return time.UnixMilli(i), true
			}
		}
	case elemTypeBool:
		switch string(data) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	case elemTypeObjectID:
		if s, ok := acubePlainString(data); ok && len(s) == 2*types.ObjectIDLen {
			var o types.ObjectID
			if _, err := hex.Decode(o[:], []byte(s)); err == nil {
				return o, true
			}
		}
	case elemTypeObject, elemTypeArray, elemTypeBinData, elemTypeNull, elemTypeRegex, elemTypeTimestamp:
	}

	return nil, false
}
