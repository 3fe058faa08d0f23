package export

import (
	"strconv"
	"strings"

	"github.com/opencti-go/sdk/stix/validate"
)

// maxFindings is how many error findings an export collects before it
// stops: the bundle is rejected by then, and the first ones are what a
// user reads in the work's error message.
const maxFindings = 10

// ValidationError reports a bundle that breaks STIX 2.1. Export returns it
// instead of uploading the bundle, and Write returns it after writing.
type ValidationError struct {
	// Findings are the first error findings, at most ten, in bundle order.
	Findings []validate.Finding
	// Truncated reports that the export stopped after collecting Findings,
	// so the bundle may hold more errors.
	Truncated bool
}

// Error returns the number of findings and the first three, so that the
// message alone shows a user which object is wrong and why.
func (e *ValidationError) Error() string {
	var sb strings.Builder
	sb.WriteString("bundle is not valid STIX 2.1: ")
	sb.WriteString(strconv.Itoa(len(e.Findings)))
	if e.Truncated {
		sb.WriteString(" or more")
	}
	sb.WriteString(" errors")
	for i, f := range e.Findings {
		if i == 3 {
			sb.WriteString("; …")
			break
		}
		sb.WriteString("; ")
		sb.WriteString(f.String())
	}
	return sb.String()
}
