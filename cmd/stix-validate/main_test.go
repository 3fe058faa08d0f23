package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBinaryExitCodes builds the command and checks the exit status the
// process returns, with files and standard input.
func TestBinaryExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "stix-validate")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	valid := shared(t, "stix", "oasis-examples", "indicator-for-c2-ip-address.json")
	invalid, err := os.ReadFile(shared(t, "cases", "010-empty-lists-required-props",
		"invalid.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  int
	}{
		{"valid file", []string{valid}, "", exitValid},
		{"invalid stdin", []string{"-"}, string(invalid), exitInvalid},
		{"truncated stdin", []string{"-"}, string(invalid[:100]), exitInvalid},
		{"missing file", []string{filepath.Join(t.TempDir(), "none.json")}, "", exitFailure},
		{"no arguments", nil, "", exitFailure},
		{"help", []string{"-help"}, "", exitValid},
	}
	for _, tc := range tests {
		cmd := exec.Command(bin, tc.args...)
		cmd.Stdin = strings.NewReader(tc.stdin)
		out, err := cmd.CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if code != tc.want {
			t.Errorf("%s: exit %d, want %d\n%s", tc.name, code, tc.want, out)
		}
		if strings.Contains(string(out), "\033[") {
			t.Errorf("%s: progress escape codes without a terminal:\n%q", tc.name, out)
		}
	}
}
