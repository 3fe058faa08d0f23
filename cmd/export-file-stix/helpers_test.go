package main

import (
	"encoding/json"
	"os/exec"
	"syscall"

	"github.com/opencti-go/sdk/internal/demodata"
)

// jsonObject is a JSON object kept both as text and decoded.
type jsonObject struct {
	raw   []byte
	value map[string]any
}

func (o *jsonObject) UnmarshalJSON(data []byte) error {
	o.raw = append([]byte(nil), data...)
	return json.Unmarshal(data, &o.value)
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

func demoData() []byte { return demodata.GlassTern }

var (
	execCommand = exec.Command
	sigterm     = syscall.SIGTERM
)
