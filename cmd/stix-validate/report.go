package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/opencti-go/sdk/stix/validate"
)

// reporter writes results as they come: the findings of a file between
// beginFile and endFile, then the totals.
type reporter interface {
	beginFile(path string)
	finding(f validate.Finding)
	endFile(path string, res fileResult)
	finish(t totals)
}

// console is the buffered standard output. While a progress line is shown
// on the terminal, each write clears it first and is flushed at once, so
// that the two streams do not mix on one line.
type console struct {
	w    *bufio.Writer
	prog *progress
	err  error
}

func (c *console) write(s string) {
	if c.err != nil {
		return
	}
	c.prog.clear()
	if _, err := c.w.WriteString(s); err != nil {
		c.err = err
		return
	}
	if c.prog.enabled {
		c.err = c.w.Flush()
	}
}

func (c *console) flush() error {
	if c.err != nil {
		return c.err
	}
	return c.w.Flush()
}

// displayName names an input in text output.
func displayName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}

// textReporter writes one line per finding under the file's name, and a
// line with the file's status:
//
//	bundle.json:
//	  error indicator--… /pattern [pattern]: …
//	bundle.json: invalid (1 error)
type textReporter struct {
	out      *console
	path     string
	findings int
	files    int
}

func (r *textReporter) beginFile(path string) {
	r.path = path
	r.findings = 0
}

func (r *textReporter) finding(f validate.Finding) {
	if r.findings == 0 {
		r.out.write(displayName(r.path) + ":\n")
	}
	r.findings++
	r.out.write("  " + f.String() + "\n")
}

func (r *textReporter) endFile(path string, res fileResult) {
	r.files++
	line := displayName(path) + ": " + res.status()
	if res.readErr != nil {
		line += ": " + res.readErr.Error()
	} else if counts := countText(res.errors, res.warnings, res.infos); counts != "" {
		line += " (" + counts + ")"
	}
	r.out.write(line + "\n")
}

func (r *textReporter) finish(t totals) {
	if r.files < 2 {
		return
	}
	r.out.write(fmt.Sprintf("%s: %d valid, %d invalid, %d unreadable\n",
		plural(r.files, "file"), t.valid, t.invalid, t.unreadable))
}

// countText gives "2 errors, 1 warning", leaving out zero counts.
func countText(errors, warnings, infos int) string {
	var parts []string
	for _, c := range []struct {
		n    int
		noun string
	}{{errors, "error"}, {warnings, "warning"}, {infos, "info"}} {
		if c.n > 0 {
			parts = append(parts, plural(c.n, c.noun))
		}
	}
	return strings.Join(parts, ", ")
}

func plural(n int, noun string) string {
	s := strconv.Itoa(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}

// jsonFinding is a finding in JSON output; every member is always present.
type jsonFinding struct {
	ObjectID string `json:"object_id"`
	Index    int    `json:"index"`
	Pointer  string `json:"pointer"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// jsonReporter writes one JSON document, streamed as files are checked:
//
//	{"files":[{"path":…,"findings":[…],"status":…,"errors":…,"warnings":…,
//	"infos":…,"read_error":…}],"status":…,"strict":…,"errors":…,…}
type jsonReporter struct {
	out      *console
	strict   bool
	files    int
	findings int
}

func (r *jsonReporter) beginFile(path string) {
	prefix := `{"files":[`
	if r.files > 0 {
		prefix = ","
	}
	r.files++
	r.findings = 0
	r.out.write(prefix + `{"path":` + quote(path) + `,"findings":[`)
}

func (r *jsonReporter) finding(f validate.Finding) {
	data, err := json.Marshal(jsonFinding{ObjectID: f.ObjectID, Index: f.Index,
		Pointer: f.Pointer, Rule: f.Rule, Severity: f.Severity.String(), Message: f.Message})
	if err != nil {
		// The struct has only string and int fields, which Marshal always
		// encodes.
		panic(err)
	}
	if r.findings > 0 {
		r.out.write(",")
	}
	r.findings++
	r.out.write(string(data))
}

func (r *jsonReporter) endFile(_ string, res fileResult) {
	s := `],"status":` + quote(res.status()) + `,"errors":` + strconv.Itoa(res.errors) +
		`,"warnings":` + strconv.Itoa(res.warnings) + `,"infos":` + strconv.Itoa(res.infos)
	if res.readErr != nil {
		s += `,"read_error":` + quote(res.readErr.Error())
	}
	r.out.write(s + "}")
}

func (r *jsonReporter) finish(t totals) {
	if r.files == 0 {
		r.out.write(`{"files":[`)
	}
	r.out.write(`],"status":` + quote(t.status()) + `,"strict":` + strconv.FormatBool(r.strict) +
		`,"valid_files":` + strconv.Itoa(t.valid) + `,"invalid_files":` + strconv.Itoa(t.invalid) +
		`,"unreadable_files":` + strconv.Itoa(t.unreadable) + `,"errors":` +
		strconv.Itoa(t.errors) + `,"warnings":` + strconv.Itoa(t.warnings) + `,"infos":` +
		strconv.Itoa(t.infos) + "}\n")
}

func quote(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}
