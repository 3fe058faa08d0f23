package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// spoolPattern is the os.CreateTemp pattern of the files that Export
// spools bundles to. RemoveLeftoverSpools removes only names of this form.
const spoolPattern = "opencti-export-*.json"

// SpoolHeader is the first line of every spool file, before the bundle.
// RemoveLeftoverSpools removes only files that start with it, so a file
// that another program wrote under a spool file name is never removed.
const SpoolHeader = "opencti-go export spool file, removed after the upload\n"

// createSpool creates a spool file in dir ("" for os.TempDir()), takes an
// exclusive lock on it and writes SpoolHeader. The lock lasts until the
// file is closed or its process dies, so RemoveLeftoverSpools in any
// process leaves it alone. The bundle is written after the header.
func createSpool(dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, spoolPattern)
	if err != nil {
		return nil, fmt.Errorf("create spool file: %w", err)
	}
	if err := lockSpool(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("lock spool file %s: %w", f.Name(), err)
	}
	// NOTE: a process killed between CreateTemp and this write leaves an
	// empty file that RemoveLeftoverSpools keeps, because it has no header.
	if _, err := io.WriteString(f, SpoolHeader); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("write spool file %s: %w", f.Name(), err)
	}
	return f, nil
}

// CheckSpoolFolder creates and removes a spool file in dir, to report at
// start-up a folder where every export would fail: missing, not a folder,
// not writable, or with a path too long for the spool file names.
func CheckSpoolFolder(dir string) error {
	f, err := createSpool(dir)
	if err != nil {
		return fmt.Errorf("spool folder %s: %w", dir, err)
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return fmt.Errorf("spool folder %s: remove test spool file: %w", dir, err)
	}
	return nil
}

// hasSpoolHeader reports whether f, read from its start, begins with
// SpoolHeader.
func hasSpoolHeader(f *os.File) (bool, error) {
	buf := make([]byte, len(SpoolHeader))
	_, err := io.ReadFull(f, buf)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return bytes.Equal(buf, []byte(SpoolHeader)), nil
}

// RemovedSpool describes a leftover spool file that RemoveLeftoverSpools
// removed.
type RemovedSpool struct {
	// Path is the file's path.
	Path string
	// Size is the file's size in bytes.
	Size int64
	// ModTime is the time the file was last written.
	ModTime time.Time
}

// RemoveLeftoverSpools removes the spool files that Export left in dir
// because its process was killed before it could remove them, for example
// by SIGKILL or the out-of-memory killer. It returns the removed files.
//
// A file is removed only when its name has the spool pattern
// (opencti-export-*.json), it is a regular file that starts with
// SpoolHeader, it was last written at least minAge ago, and its lock is
// free. Export holds the lock while the
// file exists, and the kernel releases it when the process dies, so a file
// of a running export, in this process or in another one sharing dir, is
// kept. minAge covers the moment between creating a spool file and locking
// it, so a few seconds are enough.
//
// It removes nothing and returns an error when the lock cannot be checked:
// on a system without flock, or on a file system where a second lock on a
// locked file does not fail (some network file systems). A missing dir is
// not an error. Failures on single files are joined in the error, and the
// other files are still processed.
func RemoveLeftoverSpools(dir string, minAge time.Duration) ([]RemovedSpool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read spool folder: %w", err)
	}
	if err := checkSpoolLocks(dir); err != nil {
		return nil, err
	}
	var removed []RemovedSpool
	var errs []error
	now := time.Now()
	for _, entry := range entries {
		if !entry.Type().IsRegular() {
			continue
		}
		if ok, _ := filepath.Match(spoolPattern, entry.Name()); !ok {
			continue
		}
		info, err := entry.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since the folder was read
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if now.Sub(info.ModTime()) < minAge {
			continue
		}
		path := filepath.Join(dir, entry.Name())
		done, err := removeUnlocked(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("remove leftover spool file %s: %w", path, err))
			continue
		}
		if done {
			removed = append(removed, RemovedSpool{Path: path, Size: info.Size(),
				ModTime: info.ModTime()})
		}
	}
	return removed, errors.Join(errs...)
}

// removeUnlocked removes the file at path if it starts with SpoolHeader and
// it can take the file's lock, and reports whether it did. A file that
// another process removed first counts as not removed, without an error.
func removeUnlocked(path string) (bool, error) {
	f, err := openSpool(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()

	locked, err := tryLockSpool(f)
	if err != nil || !locked {
		return false, err
	}
	ours, err := hasSpoolHeader(f)
	if err != nil || !ours {
		return false, err
	}
	// In a folder that other users can write, another file could have
	// been renamed to path since the open.
	same, err := isAtPath(f, path)
	if err != nil || !same {
		return false, err
	}

	// The lock is held until the file is removed, so a clean-up running
	// in another process at the same time cannot report it removed too.
	if err := os.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// isAtPath reports whether the open file f is still the file at path. A
// missing path counts as another file, without an error.
func isAtPath(f *os.File, path string) (bool, error) {
	opened, err := f.Stat()
	if err != nil {
		return false, err
	}
	current, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(opened, current), nil
}

// checkSpoolLocks checks that a second lock on a locked spool file in dir
// fails, which RemoveLeftoverSpools relies on to keep the files of running
// exports. A probe file left by a killed check has the spool pattern, so a
// later call removes it like any leftover.
func checkSpoolLocks(dir string) error {
	probe, err := createSpool(dir)
	if err != nil {
		return fmt.Errorf("check spool file locks in %s: %w", dir, err)
	}
	defer func() {
		probe.Close()
		os.Remove(probe.Name())
	}()
	second, err := openSpool(probe.Name())
	if err != nil {
		return fmt.Errorf("check spool file locks in %s: %w", dir, err)
	}
	defer second.Close()
	locked, err := tryLockSpool(second)
	if err != nil {
		return fmt.Errorf("check spool file locks in %s: %w", dir, err)
	}
	if locked {
		return fmt.Errorf("spool folder %s does not enforce file locks (a network file "+
			"system?), so leftover spool files are kept: spool to a local folder", dir)
	}
	return nil
}
