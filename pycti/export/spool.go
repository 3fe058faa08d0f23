package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// spoolPattern is the os.CreateTemp pattern of the files that Export
// spools bundles to. RemoveLeftoverSpools removes only names of this form.
const spoolPattern = "opencti-export-*.json"

// createSpool creates a spool file in dir ("" for os.TempDir()) and takes
// an exclusive lock on it. The lock lasts until the file is closed or its
// process dies, so RemoveLeftoverSpools in any process leaves it alone.
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
	return f, nil
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
// (opencti-export-*.json), it is a regular file, it was last written at
// least minAge ago, and its lock is free. Export holds the lock while the
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

// removeUnlocked removes the file at path if it can take the file's lock,
// and reports whether it did. A file that another process removed first
// counts as not removed, without an error.
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
