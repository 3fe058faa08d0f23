package validate_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/opencti-go/sdk/stix"
	"github.com/opencti-go/sdk/stix/validate"
)

// bundleOf wraps objects (JSON texts) in a bundle.
func bundleOf(objects ...string) string {
	return `{"type":"bundle","id":"bundle--939646b0-7d6e-46d4-a929-97da04e7f53e","objects":[` +
		strings.Join(objects, ",") + `]}`
}

func TestBundleMalformedJSONIsFinding(t *testing.T) {
	for _, in := range []string{
		`{"type":"bundle","objects":[{`,
		bundleOf(identity)[:120],
		bundleOf(identity) + `]`,
		`{"type":"identity",`,
		``,
		`   `,
	} {
		fs, err := validate.Bundle(context.Background(), strings.NewReader(in))
		if err != nil {
			t.Errorf("%q: err = %v, want a finding", in, err)
			continue
		}
		if len(fs) != 1 || fs[0].Rule != validate.RuleJSON ||
			fs[0].Severity != validate.SeverityError {
			t.Errorf("%q: findings %v, want one json error", in, fs)
		}
	}
}

func TestBundleSyntaxErrorHasOffset(t *testing.T) {
	in := bundleOf(identity, identity)
	in = in[:len(in)-3]
	fs, err := validate.Bundle(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	last := fs[len(fs)-1]
	var syntax *stix.SyntaxError
	if !errors.As(last.Err, &syntax) {
		t.Fatalf("last finding %v does not carry a *stix.SyntaxError", last)
	}
	if syntax.Offset <= int64(len(identity)) {
		t.Errorf("offset %d is inside the first object", syntax.Offset)
	}
}

func TestBundleNonObjectElement(t *testing.T) {
	fs, err := validate.Bundle(context.Background(),
		strings.NewReader(bundleOf(`[1]`, identity, `"x"`)))
	if err != nil {
		t.Fatal(err)
	}
	var idx []int
	for _, f := range fs {
		if f.Rule != validate.RuleJSON {
			t.Errorf("unexpected finding %v", f)
		}
		idx = append(idx, f.Index)
	}
	if len(idx) != 2 || idx[0] != 0 || idx[1] != 2 {
		t.Errorf("json findings at indexes %v, want [0 2]", idx)
	}
}

func TestBundleReadErrorIsError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := validate.Bundle(context.Background(), iotest.ErrReader(boom))
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the read error", err)
	}
	half := strings.NewReader(bundleOf(identity))
	r := iotest.TimeoutReader(iotest.OneByteReader(half))
	if _, err := validate.Bundle(context.Background(), r); !errors.Is(err, iotest.ErrTimeout) {
		t.Errorf("err = %v, want the read error", err)
	}
}

// TestBundleEnvelopeRejectedByReader covers bundles that stix.BundleReader
// does not stream: they are read whole and still validated object by object.
func TestBundleEnvelopeRejectedByReader(t *testing.T) {
	in := `{"type":"bundle","id":5,"objects":[` + identity + `,` + identity + `]}`
	fs, err := validate.Bundle(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rules(fs), " ")
	if got != "duplicate-ids schema" {
		t.Errorf("rules %q, want duplicate-ids schema", got)
	}
	if fs[1].Pointer != "/id" || fs[1].Index != -1 {
		t.Errorf("envelope finding %v, want one at /id", fs[1])
	}
}

func TestBundleEmptyObjects(t *testing.T) {
	fs, err := validate.Bundle(context.Background(), strings.NewReader(bundleOf()))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Pointer != "/objects" || fs[0].Rule != validate.RuleSchema {
		t.Errorf("empty objects: %v, want one schema error at /objects", fs)
	}
	noObjects := `{"type":"bundle","id":"bundle--939646b0-7d6e-46d4-a929-97da04e7f53e"}`
	fs, err = validate.Bundle(context.Background(), strings.NewReader(noObjects))
	if err != nil || len(fs) != 0 {
		t.Errorf("bundle without objects: %v, %v", fs, err)
	}
}

func TestBundleByteOrderMark(t *testing.T) {
	for _, in := range []string{"\uFEFF" + bundleOf(identity), "\uFEFF" + identity} {
		fs, err := validate.Bundle(context.Background(), strings.NewReader(in))
		if err != nil || len(fs) != 0 {
			t.Errorf("%.20q: %v, %v", in, fs, err)
		}
	}
}

func TestBundleBareArray(t *testing.T) {
	in := `[` + identity + `,` + strings.Replace(identity, "Example Team", "Other", 1) + `]`
	fs, err := validate.Bundle(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Rule != validate.RuleConflictingID || fs[0].Index != 1 {
		t.Errorf("array: %v, want one conflicting-id on object 1", fs)
	}
}

func ExampleValidator_ValidateBundle() {
	bundle := `{"type":"bundle","id":"bundle--f38b7860-056d-42fb-8abc-f95ce16a2220",
		"objects":[
		{"type":"domain-name","spec_version":"2.1",
		 "id":"domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7","value":"example.com"},
		{"type":"domain-name","spec_version":"2.1",
		 "id":"domain-name--113db8ee-2063-57ed-be41-0d27ef56cf99","value":"example.org"}]}`
	findings, err := validate.Default().ValidateBundle(context.Background(),
		strings.NewReader(bundle))
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	fmt.Println("valid:", !validate.HasErrors(findings))
	// Output:
	// warning domain-name--113db8ee-2063-57ed-be41-0d27ef56cf99 /id [deterministic-id]: id is not the UUIDv5 of the ID-contributing properties (value): expected domain-name--3500c14b-9bde-5393-b4e5-b260aea7e058
	// valid: true
}

// Bytes that are not UTF-8 are malformed JSON, as for stix.Decode, whether
// the input is a bundle read object by object or a single object. The
// JSON decoder alone would replace them with U+FFFD and report nothing.
func TestNonUTF8IsFinding(t *testing.T) {
	object := strings.Replace(identity, `"type":"identity"`,
		"\"type\":\"identity\",\"description\":\"caf\xe9\"", 1)
	for name, in := range map[string]string{"bundle": bundleOf(object), "object": object} {
		fs, err := validate.Bundle(context.Background(), strings.NewReader(in))
		if err != nil {
			t.Errorf("%s: err = %v, want a finding", name, err)
			continue
		}
		if len(fs) != 1 || fs[0].Rule != validate.RuleJSON ||
			!strings.Contains(fs[0].Message, "not encoded in UTF-8") {
			t.Errorf("%s: findings %v, want one json error on the encoding", name, fs)
		}
	}
	if _, err := stix.Decode([]byte(object)); err == nil {
		t.Error("stix.Decode accepts the object: the two disagree")
	}
}

// Input that cannot start a JSON value is reported from its first bytes,
// and the rest is not read: a large binary file or an endless device given
// by mistake is rejected at once, without being held in memory.
func TestBundleNotJSONStopsReading(t *testing.T) {
	for name, head := range map[string]string{"NUL bytes": "\x00", "text": "\xEF\xBB\xBF  x"} {
		const size = 64 << 20
		in := &countingReader{r: io.LimitReader(
			io.MultiReader(strings.NewReader(head), repeatReader('x')), size)}
		fs, err := validate.Bundle(context.Background(), in)
		if err != nil {
			t.Errorf("%s: err = %v, want a finding", name, err)
			continue
		}
		if len(fs) != 1 || fs[0].Rule != validate.RuleJSON ||
			!strings.Contains(fs[0].Message, "invalid character") {
			t.Errorf("%s: findings %v, want one json error on the first character", name, fs)
		}
		if in.n > 1<<20 {
			t.Errorf("%s: read %d bytes of %d, want only the first ones", name, in.n, size)
		}
	}
}

// repeatReader is an endless reader of one byte.
type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
