package gqlexec

import (
	"encoding/json"
	"math"
	"strconv"
)

// serializeScalar converts a resolver value to the JSON value of a scalar.
// Built-in scalars are checked and converted the way graphql-js does;
// custom scalars (DateTime, Any, StixId, ...) pass through unchanged.
func serializeScalar(name string, v any) (any, error) {
	switch name {
	case "Int":
		f, ok := toFloat(v)
		if !ok || f != math.Trunc(f) || f > math.MaxInt32 || f < math.MinInt32 {
			return nil, specError("Int cannot represent non-integer value: %v", v)
		}
		return int64(f), nil
	case "Float":
		f, ok := toFloat(v)
		if !ok {
			return nil, specError("Float cannot represent non numeric value: %v", v)
		}
		return f, nil
	case "String", "ID":
		switch v := v.(type) {
		case string:
			return v, nil
		case bool:
			return strconv.FormatBool(v), nil
		}
		if f, ok := toFloat(v); ok {
			return strconv.FormatFloat(f, 'f', -1, 64), nil
		}
		return nil, specError("%s cannot represent value: %v", name, v)
	case "Boolean":
		b, ok := v.(bool)
		if !ok {
			return nil, specError("Boolean cannot represent a non boolean value: %v", v)
		}
		return b, nil
	}
	return v, nil
}

func toFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case int32:
		return float64(v), true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}
