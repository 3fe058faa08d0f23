//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package export

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opencti-go/sdk/internal/testenv"
)

// spoolHolderEnv turns the test binary into a child that creates a spool
// file in the folder the variable names, prints its path and waits to be
// killed.
const spoolHolderEnv = "OPENCTI_SDK_SPOOL_HOLDER"

func TestMain(m *testing.M) {
	if dir := os.Getenv(spoolHolderEnv); dir != "" {
		os.Exit(holdSpool(dir))
	}
	os.Exit(m.Run())
}

func holdSpool(dir string) int {
	f, err := createSpool(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "spool holder:", err)
		return 2
	}
	fmt.Println(f.Name())
	// Wait until killed. The test sends SIGKILL, as the out-of-memory killer
	// does, so the file is never closed or removed here.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM)
	<-stop
	return 0
}

// startSpoolHolder starts a child process that holds a locked spool file
// in dir, and returns the child and the file's path.
func startSpoolHolder(t *testing.T, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd, stdout, stderr := testenv.StartChild(t, spoolHolderEnv+"="+dir)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("spool holder printed no path: %v; stderr:\n%s", err, stderr.String())
	}
	return cmd, strings.TrimSpace(line)
}

// writeAged writes a file at path last modified age ago.
func writeAged(t *testing.T, path string, age time.Duration) {
	t.Helper()
	if err := os.WriteFile(path, []byte(`{"type":"bundle"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	mtime := time.Now().Add(-age)
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// checkRemovesNothing runs RemoveLeftoverSpools on dir with a minimum age
// of a minute, and fails the test unless the folder stays unchanged.
func checkRemovesNothing(t *testing.T, dir string) {
	t.Helper()
	want := dirNames(t, dir)

	removed, err := RemoveLeftoverSpools(dir, time.Minute)

	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 0 {
		t.Errorf("removed %v, want nothing", removed)
	}
	if got := dirNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("folder holds %v, want %v unchanged", got, want)
	}
}

// The spool file of a live process is kept however old it is, and removed
// once SIGKILL ends that process. Young spool files, other names and
// symbolic links are kept.
func TestRemoveLeftoverSpoolsAfterKill(t *testing.T) {
	dir := t.TempDir()
	holder, held := startSpoolHolder(t, dir)
	mtime := time.Now().Add(-time.Hour)
	if err := os.Chtimes(held, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	writeAged(t, filepath.Join(dir, "opencti-export-young.json"), 0)
	writeAged(t, filepath.Join(dir, "notes.json"), time.Hour)
	outside := filepath.Join(t.TempDir(), "kept.json")
	writeAged(t, outside, time.Hour)
	if err := os.Symlink(outside, filepath.Join(dir, "opencti-export-link.json")); err != nil {
		t.Fatal(err)
	}
	want := dirNames(t, dir)

	checkRemovesNothing(t, dir)

	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = holder.Wait()
	removed, err := RemoveLeftoverSpools(dir, time.Minute)

	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0].Path != held {
		t.Fatalf("removed %v, want only %s", removed, held)
	}
	if !removed[0].ModTime.Equal(mtime) {
		t.Errorf("removed file ModTime %v, want %v", removed[0].ModTime, mtime)
	}
	want = slices.DeleteFunc(want, func(name string) bool { return name == filepath.Base(held) })
	if got := dirNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("folder holds %v, want %v", got, want)
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("the link's target is gone: %v", err)
	}
}

// A missing folder has no leftovers.
func TestRemoveLeftoverSpoolsMissingFolder(t *testing.T) {
	removed, err := RemoveLeftoverSpools(filepath.Join(t.TempDir(), "absent"), time.Minute)
	if err != nil || len(removed) != 0 {
		t.Errorf("got %v, %v; want nothing and no error", removed, err)
	}
}

// Files that another program wrote under a spool file name are kept, however
// old and unlocked they are, because they lack the spool header.
func TestRemoveLeftoverSpoolsKeepsForeignFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"opencti-export-123.json", "opencti-export-124.json"} {
		writeAged(t, filepath.Join(dir, name), time.Hour)
	}
	empty := filepath.Join(dir, "opencti-export-125.json")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	mtime := time.Now().Add(-time.Hour)
	if err := os.Chtimes(empty, mtime, mtime); err != nil {
		t.Fatal(err)
	}

	checkRemovesNothing(t, dir)
}

// CheckSpoolFolder reports a folder where no spool file can be created, and
// leaves nothing in a folder where it can.
func TestCheckSpoolFolder(t *testing.T) {
	dir := t.TempDir()
	if err := CheckSpoolFolder(dir); err != nil {
		t.Errorf("writable folder: %v", err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("folder holds %v after the check, want nothing", names)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := CheckSpoolFolder(file)
	if err == nil {
		t.Fatal("a regular file passed as a spool folder")
	}
	if !strings.Contains(err.Error(), file) {
		t.Errorf("error %q does not name %s", err, file)
	}
}
